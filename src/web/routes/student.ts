import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { CheckExpired, ValidationFailed } from '../../domain/errors.js';
import type { MasteryMap } from '../../services/getMasteryMap.js';
import type { Activity, NextActivityInput } from '../../services/nextActivity.js';
import type { SubmitResponseInput, SubmitResult } from '../../services/submitResponse.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { STATUS } from '../errors.js';
import { presentActivity, presentFeedback, presentMap } from '../presenters/student.js';
import { courseSessionOf, requireCourse, requireSession, tOf, type SessionDeps } from '../session.js';

/** The engine use-cases the student pages call (bound in src/main.ts). */
export interface StudentServices {
  getMasteryMap(input: { contextId: string; userId: string }): Promise<MasteryMap>;
  nextActivity(input: NextActivityInput): Promise<Activity>;
  submitResponse(input: SubmitResponseInput): Promise<SubmitResult>;
  /** Demo mode: imports the demo course into a context that has none (no-op otherwise). */
  ensureCourse?(contextId: string): Promise<void>;
}

export interface StudentRoutesDeps extends SessionDeps {
  services: StudentServices;
  /** Runs before each page (after the demo import): a course without content gets the "not set up yet" page. */
  courseReady?: RequestHandler;
}

const id = z.string().min(1).max(100);
const AnswerForm = z.object({
  attemptId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  itemId: id,
  answer: z.union([z.string().max(500), z.array(z.string().max(100)).max(20)]).optional(),
});
const PracticeQuery = z.object({ objective: id.optional(), go: z.literal('1').optional() });

/**
 * Student pages under /student: the mastery map (GET /student), what to do now (GET /student/practice,
 * optionally for one objective) and answering (POST /student/answer, CSRF-checked, idempotent by attempt id).
 * Instructors can open them too and see the pages as a student would, with their own progress.
 */
export function studentRouter(deps: StudentRoutesDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireCourse];
  // In demo mode the course is imported on first use.
  const course: RequestHandler = async (req, res, next) => {
    await deps.services.ensureCourse?.(courseSessionOf(res).contextId);
    if (deps.courseReady) return deps.courseReady(req, res, next);
    next();
  };
  const learner = (res: Response) => {
    const s = courseSessionOf(res);
    return { contextId: s.contextId, userId: s.userId, sessionId: s.id, preview: s.isInstructor && !s.isLearner };
  };
  const render = (res: Response, view: string, locals: Record<string, unknown>) => {
    res.setHeader('cache-control', 'no-store');
    res.render(view, locals);
  };

  router.get('/student', ...session, course, async (_req, res) => {
    const who = learner(res);
    const map = await deps.services.getMasteryMap({ contextId: who.contextId, userId: who.userId });
    render(res, 'student/map', { page: presentMap(map, who.preview, tOf(res)), title: tOf(res)('student.mapTitle', { course: map.course.title }) });
  });

  router.get('/student/practice', ...session, course, async (req: Request, res) => {
    const who = learner(res);
    const q = PracticeQuery.safeParse(req.query);
    if (!q.success) throw new ValidationFailed(tOf(res)('errors.badLink'));
    const activity = await deps.services.nextActivity({
      contextId: who.contextId,
      userId: who.userId,
      ...(q.data.objective ? { objectiveId: q.data.objective } : {}),
      skipIntro: q.data.go === '1',
    });
    const page = presentActivity(activity, csrfToken(deps.cookieSecret, who.sessionId), tOf(res));
    render(res, 'student/activity', { page, preview: who.preview, title: page.heading });
  });

  router.post('/student/answer', ...session, course, requireCsrf(deps.cookieSecret), async (req, res) => {
    const who = learner(res);
    const form = AnswerForm.safeParse(req.body ?? {});
    if (!form.success) {
      throw new ValidationFailed(tOf(res)('errors.badAnswer'), form.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const result = await deps.services
      .submitResponse({
        contextId: who.contextId,
        userId: who.userId,
        itemId: form.data.itemId,
        attemptId: form.data.attemptId,
        answer: form.data.answer ?? '',
      })
      .catch((err: unknown) => {
        if (!(err instanceof CheckExpired)) throw err;
        return err;
      });
    if (result instanceof CheckExpired) {
      // A timed check ran out (ADR 0023): a kind page that says what happened and where to go, not the error page.
      res.status(STATUS[result.code]);
      res.locals.errorCode = result.code;
      const t = tOf(res);
      render(res, 'student/expired', { message: t('timed.expired'), href: `/student/practice?objective=${encodeURIComponent(result.objectiveId)}`, preview: who.preview, title: t('timed.heading') });
      return;
    }
    render(res, 'student/feedback', { page: presentFeedback(result, tOf(res)), preview: who.preview, title: tOf(res)('student.feedbackTitle', { objective: result.objectiveTitle }) });
  });

  return router;
}
