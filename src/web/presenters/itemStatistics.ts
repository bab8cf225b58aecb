/** Presenter of the item statistics page (views/instructor/items.ejs): rates as percentages, flags in words. */
import { ITEM_QUALITY, type ItemQualityFlag } from '../../domain/itemQuality.js';
import type { ItemStatistics } from '../../services/itemStatistics.js';
import type { Translate } from '../../i18n/index.js';
import { formatNumber, formatPercent } from '../../i18n/format.js';

export interface ItemStatisticsView {
  minResponses: number;
  objectives: {
    title: string;
    items: { key: string; prompt: string; responses: number; correct: string; discrimination: string; guess: string; slip: string; flags: string[] }[];
  }[];
}

const PROMPT_CHARS = 90;

/** Shapes the page. */
export function presentItemStatistics(s: ItemStatistics, t: Translate): ItemStatisticsView {
  const percent = (v: number | null) => (v === null ? '—' : formatPercent(t, v));
  const signed = (v: number | null) => (v === null ? '—' : formatNumber(t, v, { minFractionDigits: 2, maxFractionDigits: 2, signed: true }));
  const flagText = (f: ItemQualityFlag) =>
    f.reason === 'difficulty_drift'
      ? t('itemStats.flag.difficulty_drift', { value: f.value, threshold: f.threshold })
      : f.reason === 'low_discrimination'
        ? t('itemStats.flag.low_discrimination', { value: signed(f.value), threshold: signed(f.threshold) })
        : t(`itemStats.flag.${f.reason}`, { value: percent(f.value), threshold: percent(f.threshold) });
  return {
    minResponses: ITEM_QUALITY.minResponses,
    objectives: s.objectives.map((o) => ({
      title: o.title,
      items: o.items.map((it) => ({
        key: it.key,
        prompt: it.prompt.length > PROMPT_CHARS ? `${it.prompt.slice(0, PROMPT_CHARS - 1)}…` : it.prompt,
        responses: it.quality.responses,
        correct: percent(it.quality.percentCorrect),
        discrimination: signed(it.quality.discrimination),
        guess: percent(it.quality.guessRate),
        slip: percent(it.quality.slipRate),
        flags: it.quality.flags.map(flagText),
      })),
    })),
  };
}
