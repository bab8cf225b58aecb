import { createHmac } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { parseDecimal } from '../domain/decimal.js';
import { AppError, ValidationFailed } from '../domain/errors.js';
import type { LedgerLine } from '../services/listGradeLedger.js';
import type { GradePolicy } from '../services/servicePorts.js';
import { sameToken } from './cookies.js';
import { presentGradesPage } from './instructorPresenters.js';
import { requireSession, sessionOf, type SessionDeps } from './session.js';

/** The use-cases the grade pages call (bound in src/main.ts). */
export interface InstructorGradesServices {
  listGradeLedger(input: { contextId: string }): Promise<LedgerLine[]>;
  resendGrades(input: { contextId: string; ids?: readonly number[] }): Promise<number>;
  getGradePolicy(contextId: string): Promise<GradePolicy>;
  setGradePolicy(policy: GradePolicy): Promise<GradePolicy>;
}

export interface InstructorGradesDeps extends SessionDeps {
  services: InstructorGradesServices;
}

/** CSRF token bound to the session (HMAC under the cookie secret). */
export const csrfToken = (secret: string, sessionId: string): string =>
  createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url');

const ResendOne = z.object({ id: z.coerce.number().int().positive(), csrf: z.string().min(1) });
const CsrfOnly = z.object({ csrf: z.string().min(1) });
const SCORE_MAXIMUM_RULE = 'Points possible must be a number from 1 to 1000, written with digits (e.g. 100 or 12.5).';
const PolicyForm = z.object({
  csrf: z.string().min(1),
  policy: z.enum(['fraction_mastered', 'p_mastery', 'aggregation']),
  perObjective: z.literal('1').optional(),
  perActivity: z.literal('1').optional(),
  scoreMaximum: z
    .unknown()
    .transform((v) => parseDecimal(v) ?? NaN)
    .pipe(z.number({ error: SCORE_MAXIMUM_RULE }).min(1, { error: SCORE_MAXIMUM_RULE }).max(1000, { error: SCORE_MAXIMUM_RULE })),
});

/**
 * Instructor-only grade-sync pages: GET /instructor/grades (ledger + grade policy), POST …/resend,
 * …/resend-failed and …/policy (each with the session's CSRF token).
 */
export function instructorGradesRouter(deps: InstructorGradesDeps): Router {
  const router = Router();
  const session = requireSession(deps);
  const instructorContext = (res: Parameters<typeof sessionOf>[0]): { contextId: string; sessionId: string } => {
    const s = sessionOf(res);
    if (!s.isInstructor) throw new AppError('ERR_FORBIDDEN', 'Only instructors can see grade sync.');
    if (!s.contextId) throw new AppError('ERR_FORBIDDEN', 'Open Masterly from a course to see its grade sync.');
    return { contextId: s.contextId, sessionId: s.id };
  };
  const checkCsrf = (req: Request, sessionId: string) => {
    const parsed = CsrfOnly.safeParse(req.body);
    if (!parsed.success || !sameToken(parsed.data.csrf, csrfToken(deps.cookieSecret, sessionId))) {
      throw new AppError('ERR_FORBIDDEN', 'This form has expired. Reload the page and try again.');
    }
  };

  router.get('/instructor/grades', session, async (req, res) => {
    const { contextId, sessionId } = instructorContext(res);
    const [lines, policy] = await Promise.all([deps.services.listGradeLedger({ contextId }), deps.services.getGradePolicy(contextId)]);
    const notice = typeof req.query.notice === 'string' ? req.query.notice.slice(0, 200) : null;
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/grades', { page: presentGradesPage(lines, policy, csrfToken(deps.cookieSecret, sessionId), notice), title: 'Grade sync' });
  });

  router.post('/instructor/grades/resend', session, async (req, res) => {
    const { contextId, sessionId } = instructorContext(res);
    checkCsrf(req, sessionId);
    const body = ResendOne.safeParse(req.body);
    if (!body.success) throw new ValidationFailed('Choose a grade to resend.');
    const n = await deps.services.resendGrades({ contextId, ids: [body.data.id] });
    res.redirect(303, `/instructor/grades?notice=${encodeURIComponent(n ? 'The grade was queued again.' : 'Nothing to resend.')}`);
  });

  router.post('/instructor/grades/resend-failed', session, async (req, res) => {
    const { contextId, sessionId } = instructorContext(res);
    checkCsrf(req, sessionId);
    const n = await deps.services.resendGrades({ contextId });
    res.redirect(303, `/instructor/grades?notice=${encodeURIComponent(`${n} failed grade(s) queued again.`)}`);
  });

  router.post('/instructor/grades/policy', session, async (req, res) => {
    const { contextId, sessionId } = instructorContext(res);
    checkCsrf(req, sessionId);
    const body = PolicyForm.safeParse(req.body);
    if (!body.success) {
      const issues = body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new ValidationFailed(issues.find((i) => i.path === 'scoreMaximum')?.message ?? 'The grade policy form is incomplete.', issues);
    }
    const current = await deps.services.getGradePolicy(contextId);
    await deps.services.setGradePolicy({
      ...current,
      policy: body.data.policy,
      perObjective: body.data.perObjective === '1',
      perActivity: body.data.perActivity === '1',
      scoreMaximum: body.data.scoreMaximum,
    });
    res.redirect(303, `/instructor/grades?notice=${encodeURIComponent('Grade policy saved; new grade changes use it.')}`);
  });

  return router;
}
