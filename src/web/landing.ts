import { CUSTOM_OBJECTIVE } from '../services/deepLinking.js';
import type { LaunchAudience, LaunchSession, RecordedLaunch, VerifiedLaunch } from '../services/ports.js';
import { SETUP_PATH } from './courseReady.js';

/** Sorts launch roles into the audience that chooses the first page (src/lti/roles.ts `launchAudience`). */
export type AudienceOf = (roles: readonly string[]) => LaunchAudience;

/** The page for a launch that has no page of its own (an administrator, no usable role, no course): it says what to do. */
export const APP_PATH = '/app';

/** What the landing decision reads of a launch or of a session. */
interface LandingFacts {
  messageType: unknown;
  audience: LaunchAudience;
  inCourse: boolean;
  /** False when the course is known to have no content yet (a launch just recorded says); undefined when unknown. */
  hasContent?: boolean;
  custom: unknown;
}

/**
 * Where a launch lands, with no stop on the way: an LtiDeepLinkingRequest on the picker; a Submission Review on
 * /review; in a course, course staff on the dashboard (on set-up while the course has no content: straight there from a
 * launch, which knows, and through courseReady from anywhere else) and a
 * learner on the mastery map (a whole unit's link, `masterly_activity`, too) or, for a resource link carrying
 * `masterly_objective`, on that objective's practice;
 * everyone else (an LMS administrator, a Mentor or Guest, a launch from outside a course) on /app, which says what
 * they can do.
 */
function landing(f: LandingFacts): string {
  if (f.messageType === 'LtiDeepLinkingRequest') return '/deep-linking';
  if (f.messageType === 'LtiSubmissionReviewRequest') return '/review';
  if (!f.inCourse) return APP_PATH;
  if (f.audience === 'staff') return f.hasContent === false ? SETUP_PATH : '/instructor';
  if (f.audience !== 'learner') return APP_PATH;
  const custom = (f.custom ?? {}) as Record<string, unknown>;
  const key = custom[CUSTOM_OBJECTIVE];
  if (typeof key === 'string' && key) return `/open/objective/${encodeURIComponent(key)}`;
  return '/student';
}

/** Where a verified and recorded launch redirects to (POST /lti/launch). */
export const landingPath = (
  done: Pick<RecordedLaunch, 'courseHasContent'> & { launch: Pick<VerifiedLaunch, 'messageType' | 'roles' | 'context' | 'extra'> },
  audienceOf: AudienceOf,
): string => {
  const { launch } = done;
  return landing({ messageType: launch.messageType, audience: audienceOf(launch.roles), inCourse: launch.context !== undefined, hasContent: done.courseHasContent, custom: launch.extra.custom });
};

/** Where GET /app sends a session (an old bookmark, a link back): the page its launch landed on. */
export const sessionLandingPath = (s: Pick<LaunchSession, 'claims' | 'roles' | 'contextId'>, audienceOf: AudienceOf): string =>
  landing({ messageType: s.claims.messageType, audience: audienceOf(s.roles), inCourse: s.contextId !== null, custom: s.claims.custom });
