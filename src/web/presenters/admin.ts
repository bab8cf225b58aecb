import type { CourseAcrossRegistrations, Platform } from '../../services/ports.js';
import { registrationUrl, toolUrls } from '../../services/toolConfiguration.js';
import { translator, type Translate } from '../../i18n/index.js';
import { formatDate } from '../../i18n/format.js';

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
    /** 'active' | 'pending' | 'disabled' and its words. */
    status: string;
    statusLabel: string;
    /** How it was registered, in words. */
    via: string;
    /** What an unknown deployment id does ('accept' | 'hold'). */
    newDeployments: string;
    /** Every deployment with its state (active, waiting for approval, turned off). */
    deployments: { id: string; status: string; label: string }[];
    /** The services the platform granted at registration, in words ('' when not registered dynamically). */
    granted: string;
  }[];
  /** The dynamic registration URL to paste into Moodle or Canvas. */
  registrationUrl: string;
  /** One row per course (issuer + context id: docs/decisions/0018-course-identity.md). */
  courses: { issuer: string; contextId: string; title: string; registrations: string; split: boolean }[];
  /** The tool's signing keys: kid, state in words, created (ISO date). */
  keys: { kid: string; status: string; label: string; created: string }[];
  /** True for an LMS administrator signed in by a launch: only their platform, no whole-tool actions. */
  scoped?: boolean;
  /** CSRF token every form posts back (empty for bearer-token callers, who need none). */
  csrf: string;
}

/** Shapes the values to paste into Canvas and Moodle, and the registered platforms (admin pages have no launch: English). */
export function presentAdmin(baseUrl: string, platforms: Platform[], csrf = '', t: Translate = translator(), courses: CourseAcrossRegistrations[] = [], keys: { kid: string; status: string; createdAt: number }[] = []): AdminView {
  const names = new Map(platforms.map((p) => [p.id, `${p.name} (${p.clientId})`]));
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
      vendor: t(`adminPages.vendor.${p.vendor}`),
      issuer: p.issuer,
      clientId: p.clientId,
      authUrl: p.authUrl,
      tokenUrl: p.tokenUrl,
      jwksUrl: p.jwksUrl,
      deploymentIds: p.deploymentIds,
      lmsUrl: p.lmsUrl ?? '',
      status: p.status ?? 'active',
      statusLabel: t(`registration.console.status.${p.status ?? 'active'}`),
      via: t(p.registeredVia === 'dynamic' ? 'registration.console.viaDynamic' : 'registration.console.viaAdmin'),
      newDeployments: p.newDeployments ?? 'hold',
      deployments: [
        ...p.deploymentIds.map((id) => ({ id, status: 'active' })),
        ...(p.otherDeployments ?? []).map((d) => ({ id: d.id, status: d.status })),
      ].map((d) => ({ ...d, label: t(`registration.console.deployment.${d.status as 'active' | 'pending' | 'disabled'}`) })),
      granted: p.registration ? grantedServices(p.registration.scopes, t) : '',
    })),
    registrationUrl: registrationUrl(baseUrl),
    keys: keys.map((k) => ({ kid: k.kid, status: k.status, label: t(`registration.keys.${k.status as 'current' | 'next' | 'retired'}`), created: formatDate(t, k.createdAt) })),
    courses: courses.map((c) => ({
      issuer: c.issuer,
      contextId: c.contextId,
      title: c.title ?? c.label ?? c.contextId,
      registrations: c.platformIds.map((id) => names.get(id) ?? id).join(', '),
      split: c.platformIds.length > 1,
    })),
    csrf,
  };
}

/** The services a scope list grants, in words ("grades, roster"), or "none". */
function grantedServices(scopes: readonly string[], t: Translate): string {
  const grades = scopes.some((s) => s.includes('/lti-ags/'));
  const roster = scopes.some((s) => s.includes('/lti-nrps/'));
  const parts = [...(grades ? [t('registration.console.grades')] : []), ...(roster ? [t('registration.console.roster')] : [])];
  return parts.length ? parts.join(', ') : t('registration.console.noServices');
}
