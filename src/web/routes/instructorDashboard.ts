import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError, ValidationFailed } from '../../domain/errors.js';
import type { InstructorServices } from '../../services/instructorServices.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { issueMessage, messageOf } from '../errors.js';
import { dashboardOptions, presentDashboard, presentRosterMember, presentStudent, studentHref, type FieldError } from '../presenters/instructorDashboard.js';
import { presentItemStatistics } from '../presenters/itemStatistics.js';
import { courseSessionOf, requireInstructor, requireSession, tOf, type SessionDeps } from '../session.js';
import { noticeOf, withNotice } from '../notice.js';

/** What the instructor dashboard router needs. */
export interface InstructorDashboardDeps extends SessionDeps {
  services: InstructorServices;
  /** A course without content sends its instructors to set-up (src/web/courseReady.ts). */
  courseReady?: RequestHandler;
}

const UserParam = z.string().min(1).max(100);
/** An LMS user id (`sub`: at most 255 ASCII characters, LTI 1.3 §5.1.2). */
const SubParam = z.string().min(1).max(255);
/** The resource link the instructor's launch came by (its title names the link students open). */
const LaunchLink = z.object({ title: z.string().trim().min(1).max(200) });
const ObjectiveForm = z.object({ objectiveId: z.string().min(1).max(100) });
const AccommodationsForm = z.object({
  thresholdOffset: z.string().max(20).optional(),
  extraCycles: z.string().max(20).optional(),
  extraOpportunities: z.string().max(20).optional(),
  timeMultiplier: z.string().max(20).optional(),
});

/**
 * Instructor-only pages: GET /instructor (students × objectives, summaries, who needs attention),
 * GET /instructor/responses.csv (the course's answers, pyBKT-style CSV),
 * GET /instructor/roster/:sub (a learner on the course's LMS roster who never opened Masterly here; once they have,
 * a redirect to their student page), GET /instructor/students/:userId (objectives, explanation history, accommodations) and its POST controls
 * …/accommodations, …/unlock, …/reset, each with the session's CSRF token (ERR_CSRF_INVALID otherwise). Learners get ERR_FORBIDDEN (403).
 */
export function instructorDashboardRouter(deps: InstructorDashboardDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireInstructor, ...(deps.courseReady ? [deps.courseReady] : [])];
  const form: RequestHandler[] = [...session, requireCsrf(deps.cookieSecret)];
  const instructor = (res: Response): { contextId: string; sessionId: string; userId: string } => {
    const s = courseSessionOf(res);
    return { contextId: s.contextId, sessionId: s.id, userId: s.userId };
  };
  const userIdOf = (req: Request, res: Response): string => {
    const id = UserParam.safeParse(req.params.userId);
    if (!id.success) throw new ValidationFailed(tOf(res)('instructor.student.badLink'));
    return id.data;
  };
  const back = (res: Response, userId: string, notice: string) => res.redirect(303, withNotice(deps.cookieSecret, studentHref(userId), notice));

  router.get('/instructor/items', ...session, async (_req, res) => {
    const s = courseSessionOf(res);
    const t = tOf(res);
    const page = presentItemStatistics(await deps.services.getItemStatistics({ contextId: s.contextId }), t);
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/items', { page, title: t('itemStats.title', { course: s.context?.title ?? s.context?.label ?? '' }) });
  });

  router.get('/instructor', ...session, async (req, res) => {
    const { contextId } = instructor(res);
    const page = presentDashboard(await deps.services.getInstructorDashboard({ contextId }), tOf(res), dashboardOptions(req.query));
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/dashboard', { page, title: tOf(res)('instructor.dashboard.title', { course: page.courseTitle }) });
  });

  // The course's answers as pyBKT-style CSV (issue 10 §5): for pyBKT or `npm run model -- fit|predict|replay`.
  router.get('/instructor/responses.csv', ...session, async (_req, res) => {
    const { contextId } = instructor(res);
    const file = await deps.services.exportResponses({ contextId });
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
    res.send(file.csv);
  });

  router.get('/instructor/students/:userId', ...session, async (req, res) => {
    const { contextId, sessionId } = instructor(res);
    const userId = userIdOf(req, res);
    const page = presentStudent(await deps.services.getStudentDetail({ contextId, userId }), csrfToken(deps.cookieSecret, sessionId), noticeOf(deps.cookieSecret, req), tOf(res));
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/student', { page, title: tOf(res)('instructor.student.title', { name: page.name }) });
  });

  router.get('/instructor/roster/:sub', ...session, async (req, res) => {
    const s = courseSessionOf(res);
    const t = tOf(res);
    const sub = SubParam.safeParse(req.params.sub);
    if (!sub.success) throw new ValidationFailed(t('instructor.student.badLink'));
    const d = await deps.services.getRosterMember({ contextId: s.contextId, userSub: sub.data });
    res.setHeader('cache-control', 'no-store');
    // They opened Masterly here since the dashboard linked this page: their student page has their progress.
    if (d.started) return res.redirect(303, studentHref(d.userId));
    const link = LaunchLink.safeParse(s.claims.resourceLink);
    const page = presentRosterMember(d, t, link.success ? link.data.title : null);
    res.render('instructor/roster-member', { page, title: t('rosterMember.title', { name: page.name }) });
  });

  router.post('/instructor/students/:userId/accommodations', ...form, async (req, res) => {
    const { contextId, sessionId, userId: actorUserId } = instructor(res);
    const userId = userIdOf(req, res);
    const parsed = AccommodationsForm.safeParse(req.body);
    const fields = parsed.success ? parsed.data : {};
    try {
      await deps.services.setAccommodations({ contextId, userId, accommodations: fields, actorUserId });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      // Show the form again with each problem next to its field.
      const errors: FieldError[] = err.issues.map((i) => ({ field: i.path, message: issueMessage(i, tOf(res)) }));
      const detail = await deps.services.getStudentDetail({ contextId, userId });
      const refill = Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const page = presentStudent(detail, csrfToken(deps.cookieSecret, sessionId), null, tOf(res), errors, refill);
      res.status(422).setHeader('cache-control', 'no-store');
      res.render('instructor/student', { page, title: tOf(res)('instructor.student.errorTitle', { name: page.name }) });
      return;
    }
    back(res, userId, tOf(res)('instructor.student.saved'));
  });

  for (const action of ['unlock', 'reset'] as const) {
    router.post(`/instructor/students/:userId/${action}`, ...form, async (req, res) => {
      const who = instructor(res);
      const userId = userIdOf(req, res);
      const body = ObjectiveForm.safeParse(req.body);
      if (!body.success) throw new ValidationFailed(tOf(res)('instructor.student.chooseObjective'));
      const input = { contextId: who.contextId, userId, objectiveId: body.data.objectiveId, actorUserId: who.userId };
      try {
        const done = action === 'unlock' ? await deps.services.unlockObjective(input) : await deps.services.resetObjective(input);
        back(res, userId, tOf(res)(action === 'unlock' ? 'instructor.student.unlocked' : 'instructor.student.wasReset', { title: done.objectiveTitle }));
      } catch (err) {
        if (err instanceof AppError && err.code === 'ERR_CONFLICT') return back(res, userId, messageOf(err, tOf(res)));
        throw err;
      }
    });
  }

  return router;
}
