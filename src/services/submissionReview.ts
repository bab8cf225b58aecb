/**
 * Submission Review (LTI AGS, `LtiSubmissionReviewRequest`): the LMS's "review" of a grade (Moodle's "Grade analysis",
 * Canvas's submission details) opens the evidence behind it — the student named by the `for_user` claim, on the
 * objective the reviewed placement carries — for instructors only.
 *
 * @see https://www.imsglobal.org/spec/lti-sr/v1p0
 */
import { AppError } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import { CUSTOM_OBJECTIVE } from './deepLinking.js';
import type { LaunchSession } from './ports.js';

export interface SubmissionReviewDeps {
  /** Masterly's user id of an LMS user of a platform (undefined when they never opened Masterly). */
  userIdOf(platformId: string, sub: string): Promise<string | undefined>;
  objectiveIdForKey(contextId: string, key: string): Promise<string | undefined>;
}

/** Where a review goes: the student's page, at the objective the placement carries (null: the whole page). */
export interface ReviewTarget {
  userId: string;
  objectiveId: string | null;
}

/** Whether a session is an instructor's Submission Review launch in a course (pure policy). */
export const canReview = (s: LaunchSession): boolean => s.isInstructor && s.contextId !== null && s.claims.messageType === 'LtiSubmissionReviewRequest';

/** The student and objective a review launch asks for; refuses students (ERR_FORBIDDEN) and unknown students (ERR_NOT_FOUND). */
export async function openSubmissionReview(deps: SubmissionReviewDeps, s: LaunchSession): Promise<ReviewTarget> {
  if (!canReview(s)) throw new AppError('ERR_FORBIDDEN', 'Only instructors can review a student\u2019s work in Masterly.', { said: msg('review.instructorsOnly') });
  const sub = (s.claims.forUser as { userId?: unknown } | undefined)?.userId;
  const userId = typeof sub === 'string' ? await deps.userIdOf(s.platformId, sub) : undefined;
  if (!userId) throw new AppError('ERR_NOT_FOUND', 'This student has not opened Masterly yet.', { details: { reason: 'student_unknown' }, said: msg('review.notStarted') });
  const key = (s.claims.custom as Record<string, unknown> | undefined)?.[CUSTOM_OBJECTIVE];
  const objectiveId = typeof key === 'string' && key ? ((await deps.objectiveIdForKey(s.contextId as string, key)) ?? null) : null;
  return { userId, objectiveId };
}
