import type { Logger } from 'pino';
import type { DpDb } from './db.js';
import type { FaultState } from './faults.js';
import type { PlatformKey, ToolKeys } from './keys.js';
import type { DevUser } from './people.js';

/** Which real LMS the emulator imitates. */
export type Mode = 'generic' | 'canvas' | 'moodle';

/**
 * What the AGS claim grants: 'full' (line items container and every scope: Moodle's "grade sync and column
 * management", Canvas) or 'sync_only' (Moodle's "grade sync only": the score scope and the link's own `lineitem`, no
 * `lineitems` URL and no line item scope).
 */
export type AgsMode = 'full' | 'sync_only';

/** Names the course the emulator hosts. */
export const COURSE = { label: 'FRAC101', title: 'Fractions 101' } as const;

/** The hosted course's names and the LMS course ids it was copied from (newest first). */
export interface CourseInfo {
  label: string;
  title: string;
  copiedFrom: string[];
}

/** The resource link every "Launch Masterly" button uses unless deep linking created others. */
export const DEFAULT_RESOURCE_LINK = 'rl-masterly';
/** A second link that only half the students can see (exercises the NRPS `rlid` filter). */
export const SECTION_B_RESOURCE_LINK = 'rl-masterly-section-b';

/** Scope URIs (AGS 2.0 §3.1, NRPS 2.0 §2.2). */
export const SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
} as const;

/** Behaviours of particular LMS versions that the emulator can imitate on request. */
export interface Quirks {
  /** Moodle versions that send `accept_multiple` / `auto_create` as the strings "true"/"false" (moodle mode only). */
  stringBooleans: boolean;
  /**
   * LTI Platform Storage (docs/decisions/0021-cookieless-launches.md). `answer`: the login carries
   * `lti_storage_target` and the launch page has the `post_message_forwarding` frame that answers lti.capabilities,
   * lti.put_data and lti.get_data for the tool's origin only; `silent`: the target is sent but nothing answers (Canvas's
   * mobile apps); `none`: no target (Moodle 4.5). `auto`: `answer` in canvas mode, `none` otherwise.
   */
  platformStorage: 'auto' | 'answer' | 'silent' | 'none';
}

/** Name of the frame that answers Platform Storage messages (as Canvas names it). */
export const STORAGE_FRAME = 'post_message_forwarding';

/** The Platform Storage behaviour in force (see {@link Quirks.platformStorage}). */
export const platformStorageOf = (ctx: { mode(): Mode; quirks: Quirks }): 'answer' | 'silent' | 'none' =>
  ctx.quirks.platformStorage === 'auto' ? (ctx.mode() === 'canvas' ? 'answer' : 'none') : ctx.quirks.platformStorage;

/** In-memory view of the roster, persisted in `dp_users`. */
export interface Roster {
  list(): DevUser[];
  get(id: string): DevUser | undefined;
  /** Change sequence of a member (NRPS differences). */
  seqOf(id: string): number;
  currentSeq(): number;
}

/** Everything the routers share: one per emulator instance. */
export interface Ctx {
  db: DpDb;
  logger: Logger;
  url: string;
  /** Origin of the course pages (= `url` unless origins are split, Canvas-like). */
  pageUrl: string;
  toolUrl: string;
  clientId: string;
  deploymentId: string;
  /** The course the emulator hosts now (`context.id`); a new term changes it (see DevPlatform.setCourse). */
  courseId: string;
  /** Its label and title, and the course ids it was copied from (Canvas: `$Canvas.course.previousContextIds`). */
  course: CourseInfo;
  key: PlatformKey;
  toolKeys: ToolKeys;
  faults: FaultState;
  roster: Roster;
  mode(): Mode;
  agsMode(): AgsMode;
  /** Behaviours of particular LMS versions, switched on by tests (see {@link Quirks}). */
  quirks: Quirks;
  /** Epoch milliseconds. */
  now(): number;
  /** Random URL-safe id. */
  randomId(bytes?: number): string;
  /** What the tool registered by URL was granted, and whether it still waits for activation (Moodle-like). */
  tool?: () => { pending: boolean; services: boolean; names: boolean };
}

/** Tool endpoints the emulator talks to (the tool exposes them). */
export const toolEndpoints = (toolUrl: string) => ({
  login: `${toolUrl}/lti/login`,
  launch: `${toolUrl}/lti/launch`,
  jwks: `${toolUrl}/.well-known/jwks.json`,
});

/**
 * The emulator's own endpoints. `pageUrl` is where the course pages live: the same origin as `url` unless the
 * emulator splits origins as Canvas does (auth on `sso.canvaslms.com`, the course and its return URLs on the
 * school's domain).
 */
export const platformEndpoints = (url: string, courseId: string, pageUrl: string = url) => ({
  auth: `${url}/auth`,
  token: `${url}/token`,
  jwks: `${url}/.well-known/jwks.json`,
  memberships: `${url}/api/lti/courses/${courseId}/names_and_roles`,
  lineItems: `${url}/api/lti/courses/${courseId}/line_items`,
  deepLinkReturn: `${pageUrl}/deep_links/return`,
  returnUrl: `${pageUrl}/return`,
});
