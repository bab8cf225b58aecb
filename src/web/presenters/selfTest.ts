import type { Platform } from '../../services/ports.js';
import type { SelfTestResult } from '../../services/selfTestPlatform.js';
import { render, translator, type MessageKey, type Translate } from '../../i18n/index.js';

/** What the self-test page shows: one row per check, in words, with the fix for that LMS. */
export interface SelfTestView {
  platformId: string;
  name: string;
  rows: { name: string; state: SelfTestResult['state']; stateLabel: string; said: string; fix: string; detail: string }[];
}

/** Shapes a self-test outcome (admin pages have no launch: English). */
export function presentSelfTest(platform: Platform, results: SelfTestResult[], t: Translate = translator()): SelfTestView {
  return {
    platformId: platform.id,
    name: platform.name,
    rows: results.map((r) => ({
      name: t(`registration.selfTest.name.${r.check}` satisfies MessageKey),
      state: r.state,
      stateLabel: t(`registration.selfTest.state.${r.state}` satisfies MessageKey),
      said: render(t, r.said),
      fix: r.fix ? render(t, r.fix) : '',
      detail: r.detail ? t('registration.selfTest.lmsSaid', { detail: r.detail }) : '',
    })),
  };
}
