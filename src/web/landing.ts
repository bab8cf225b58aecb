import { CUSTOM_ACTIVITY, CUSTOM_OBJECTIVE } from '../services/deepLinking.js';
import type { VerifiedLaunch } from '../services/ports.js';

/**
 * Where a verified launch lands: an LtiDeepLinkingRequest on the picker; a Submission Review on /review; a student's resource link carrying
 * `masterly_objective` on that objective's practice, a `masterly_activity` (the whole unit) on the mastery map;
 * otherwise /app.
 */
export function landingPath(launch: Pick<VerifiedLaunch, 'messageType' | 'isInstructor' | 'isLearner' | 'extra'>): string {
  if (launch.messageType === 'LtiDeepLinkingRequest') return '/deep-linking';
  if (launch.messageType === 'LtiSubmissionReviewRequest') return '/review';
  const custom = (launch.extra.custom ?? {}) as Record<string, unknown>;
  if (!launch.isLearner || launch.isInstructor) return '/app';
  const key = custom[CUSTOM_OBJECTIVE];
  if (typeof key === 'string' && key) return `/open/objective/${encodeURIComponent(key)}`;
  if (typeof custom[CUSTOM_ACTIVITY] === 'string' && custom[CUSTOM_ACTIVITY]) return '/student';
  return '/app';
}
