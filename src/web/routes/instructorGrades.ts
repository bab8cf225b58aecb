import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { parseDecimal } from '../../domain/decimal.js';
import { ACTIVITY_GRADES } from '../../domain/gradePolicy.js';
import { ValidationFailed } from '../../domain/errors.js';
import type { LedgerLine } from '../../services/listGradeLedger.js';
import type { GradePolicy } from '../../services/servicePorts.js';
import { LANGUAGES } from '../../i18n/index.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { presentGradesPage } from '../presenters/instructorGrades.js';
import type { LaunchSession } from '../../services/ports.js';
import type { ReviewTarget } from '../../services/submissionReview.js';
import { courseSessionOf, requireInstructor, requireSession, sessionOf, tOf, type SessionDeps } from '../session.js';
import { noticeOf, withNotice } from '../notice.js';

/** The use-cases the grade pages call (bound in src/main.ts). */
export interface InstructorGradesServices {
  listGradeLedger(input: { contextId: string }): Promise<LedgerLine[]>;
  /** Queues grades again; `actorUserId` (the instructor) goes to the audit log. */
  resendGrades(input: { contextId: string; ids?: readonly number[]; actorUserId?: string }): Promise<number>;
  getGradePolicy(contextId: string): Promise<GradePolicy>;
  /** Saves the policy; `actorUserId` (the instructor) goes to the audit log. */
  setGradePolicy(policy: GradePolicy, actorUserId?: string): Promise<GradePolicy>;
  /** Submission Review: the student (and objective) a review launch shows (src/services/submissionReview.ts). */
  openSubmissionReview(session: LaunchSession): Promise<ReviewTarget>;
  /** Finalises (or reopens) the course's grades; returns how many scores were queued (src/services/finalGrades.ts). */
  finaliseGrades(input: { contextId: string; finalise: boolean; actorUserId: string }): Promise<number>;
}

export interface InstructorGradesDeps extends SessionDeps {
  services: InstructorGradesServices;
}

const ResendOne = z.object({ id: z.coerce.number().int().positive() });
const PolicyForm = z.object({
  policy: z.enum(['fraction_mastered', 'p_mastery', 'aggregation']),
  perObjective: z.literal('1').optional(),
  perActivity: z.literal('1').optional(),
  activityGrade: z.enum(ACTIVITY_GRADES).optional(),
  language: z.enum(LANGUAGES.map((l) => l.code) as [string, ...string[]]).optional(),
  scoreMaximum: z
    .unknown()
    .transform((v) => parseDecimal(v) ?? NaN)
    .pipe(z.number().min(1).max(1000)),
});

/**
 * Instructor-only grade-sync pages: GET /instructor/grades (ledger + grade policy), POST …/resend,
 * …/resend-failed and …/policy (each with the session's CSRF token); GET /review, where Submission Review launches land.
 */
export function instructorGradesRouter(deps: InstructorGradesDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireInstructor];
  const form: RequestHandler[] = [...session, requireCsrf(deps.cookieSecret)];
  const instructorContext = (res: Response): { contextId: string; sessionId: string } => {
    const s = courseSessionOf(res);
    return { contextId: s.contextId, sessionId: s.id };
  };

  // Submission Review launches land here: the reviewed student's page, at the objective (students are refused).
  router.get('/review', requireSession(deps), async (_req, res) => {
    const target = await deps.services.openSubmissionReview(sessionOf(res));
    res.setHeader('cache-control', 'no-store');
    res.redirect(303, `/instructor/students/${encodeURIComponent(target.userId)}${target.objectiveId ? `#objective-${encodeURIComponent(target.objectiveId)}` : ''}`);
  });

  router.get('/instructor/grades', ...session, async (req, res) => {
    const { contextId, sessionId } = instructorContext(res);
    const [lines, policy] = await Promise.all([deps.services.listGradeLedger({ contextId }), deps.services.getGradePolicy(contextId)]);
    const notice = noticeOf(deps.cookieSecret, req);
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/grades', { page: presentGradesPage(lines, policy, csrfToken(deps.cookieSecret, sessionId), notice, tOf(res)), title: tOf(res)('instructor.grades.title') });
  });

  router.post('/instructor/grades/resend', ...form, async (req, res) => {
    const { contextId } = instructorContext(res);
    const body = ResendOne.safeParse(req.body);
    if (!body.success) throw new ValidationFailed(tOf(res)('instructor.grades.chooseGrade'));
    const n = await deps.services.resendGrades({ contextId, ids: [body.data.id], actorUserId: courseSessionOf(res).userId });
    res.redirect(303, withNotice(deps.cookieSecret, '/instructor/grades', tOf(res)(n ? 'instructor.grades.queued' : 'instructor.grades.nothing')));
  });

  router.post('/instructor/grades/resend-failed', ...form, async (req, res) => {
    const { contextId } = instructorContext(res);
    const n = await deps.services.resendGrades({ contextId, actorUserId: courseSessionOf(res).userId });
    res.redirect(303, withNotice(deps.cookieSecret, '/instructor/grades', tOf(res)('instructor.grades.queuedFailed', { count: n })));
  });

  router.post('/instructor/grades/policy', ...form, async (req, res) => {
    const { contextId } = instructorContext(res);
    const body = PolicyForm.safeParse(req.body);
    if (!body.success) {
      const t = tOf(res);
      if (body.error.issues.some((i) => i.path[0] === 'scoreMaximum')) {
        throw new ValidationFailed(t('instructor.grades.pointsRule'), [{ path: 'scoreMaximum', message: t('instructor.grades.pointsRule') }]);
      }
      throw new ValidationFailed(t('instructor.grades.policyIncomplete'));
    }
    const current = await deps.services.getGradePolicy(contextId);
    await deps.services.setGradePolicy({
      ...current,
      policy: body.data.policy,
      perObjective: body.data.perObjective === '1',
      perActivity: body.data.perActivity === '1',
      activityGrade: body.data.activityGrade ?? current.activityGrade,
      scoreMaximum: body.data.scoreMaximum,
      ...(body.data.language ? { language: body.data.language } : {}),
    }, courseSessionOf(res).userId);
    res.redirect(303, withNotice(deps.cookieSecret, '/instructor/grades', tOf(res)('instructor.grades.policySaved')));
  });

  // Finalise: every started column becomes final with its current grade (the form's box confirms it); Reopen undoes it.
  router.post('/instructor/grades/finalise', ...form, async (req, res) => {
    const { contextId } = instructorContext(res);
    const t = tOf(res);
    if ((req.body as { confirm?: unknown } | undefined)?.confirm !== '1') throw new ValidationFailed(t('finalGrades.mustConfirm'), [{ path: 'confirm', message: t('finalGrades.mustConfirm') }]);
    const n = await deps.services.finaliseGrades({ contextId, finalise: true, actorUserId: courseSessionOf(res).userId });
    res.redirect(303, withNotice(deps.cookieSecret, '/instructor/grades', t('finalGrades.finalised', { count: n })));
  });

  router.post('/instructor/grades/reopen', ...form, async (_req, res) => {
    const { contextId } = instructorContext(res);
    const n = await deps.services.finaliseGrades({ contextId, finalise: false, actorUserId: courseSessionOf(res).userId });
    res.redirect(303, withNotice(deps.cookieSecret, '/instructor/grades', tOf(res)('finalGrades.reopened', { count: n })));
  });

  return router;
}
