import type { Platform } from '../../services/ports.js';
import { toolUrls } from '../../services/toolConfiguration.js';
import { translator, type Translate } from '../../i18n/index.js';

/** One label/value pair an LMS admin copies. */
export interface CopyField {
  label: string;
  value: string;
}

/** What the admin page shows. */
export interface AdminView {
  generic: CopyField[];
  canvas: CopyField[];
  moodle: CopyField[];
  platforms: {
    id: string;
    name: string;
    vendor: string;
    issuer: string;
    clientId: string;
    authUrl: string;
    tokenUrl: string;
    jwksUrl: string;
    deploymentIds: string[];
    /** The LMS address (origin allowed to frame the tool), '' when none is set. */
    lmsUrl: string;
  }[];
  /** CSRF token every form posts back (empty for bearer-token callers, who need none). */
  csrf: string;
}

/** Shapes the values to paste into Canvas and Moodle, and the registered platforms (admin pages have no launch: English). */
export function presentAdmin(baseUrl: string, platforms: Platform[], csrf = '', t: Translate = translator()): AdminView {
  const u = toolUrls(baseUrl);
  return {
    generic: [
      { label: t('admin.copy.loginUrl'), value: u.loginUrl },
      { label: t('admin.copy.redirectUri'), value: u.redirectUri },
      { label: t('admin.copy.targetLinkUri'), value: u.targetLinkUri },
      { label: t('admin.copy.jwksUrl'), value: u.jwksUrl },
    ],
    canvas: [
      { label: t('admin.copy.canvasJson'), value: u.canvasConfigUrl },
      { label: t('admin.copy.canvasRedirect'), value: u.redirectUri },
      { label: t('admin.copy.canvasTarget'), value: u.targetLinkUri },
      { label: t('admin.copy.canvasLogin'), value: u.loginUrl },
      { label: t('admin.copy.canvasJwks'), value: u.jwksUrl },
    ],
    moodle: [
      { label: t('admin.copy.moodleToolUrl'), value: u.targetLinkUri },
      { label: t('admin.copy.moodleVersion'), value: 'LTI 1.3' },
      { label: t('admin.copy.moodleKeyType'), value: t('admin.copy.keysetUrl') },
      { label: t('admin.copy.moodleKeyset'), value: u.jwksUrl },
      { label: t('admin.copy.moodleLogin'), value: u.loginUrl },
      { label: t('admin.copy.moodleRedirect'), value: u.redirectUri },
    ],
    platforms: platforms.map((p) => ({
      id: p.id,
      name: p.name,
      vendor: p.vendor,
      issuer: p.issuer,
      clientId: p.clientId,
      authUrl: p.authUrl,
      tokenUrl: p.tokenUrl,
      jwksUrl: p.jwksUrl,
      deploymentIds: p.deploymentIds,
      lmsUrl: p.lmsUrl ?? '',
    })),
    csrf,
  };
}
