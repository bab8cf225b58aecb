import { createHmac } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, ValidationFailed } from '../domain/errors.js';
import type { MasteryMap } from '../services/getMasteryMap.js';
import type { Activity, NextActivityInput } from '../services/nextActivity.js';
import type { SubmitResponseInput, SubmitResult } from '../services/submitResponse.js';
import { sameToken } from './cookies.js';
import { requireSession, sessionOf, type SessionDeps } from './session.js';
import { presentActivity, presentFeedback, presentMap } from './studentPresenters.js';

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
}

/** CSRF token of the student forms, bound to the session (HMAC under the cookie secret). */
export const studentCsrfToken = (secret: string, sessionId: string): string =>
  createHmac('sha256', secret).update(`student-csrf:${sessionId}`).digest('base64url');

const id = z.string().min(1).max(100);
const AnswerForm = z.object({
  csrf: z.string().min(1).max(200),
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
  const session = requireSession(deps);
  const learner = async (res: Response) => {
    const s = sessionOf(res);
    if (!s.contextId) throw new AppError('ERR_FORBIDDEN', 'Open Masterly from a course to practise.');
    await deps.services.ensureCourse?.(s.contextId);
    return { contextId: s.contextId, userId: s.userId, sessionId: s.id, preview: s.isInstructor && !s.isLearner };
  };
  const render = (res: Response, view: string, locals: Record<string, unknown>) => {
    res.setHeader('cache-control', 'no-store');
    res.render(view, locals);
  };

  router.get('/student', session, async (_req, res) => {
    const who = await learner(res);
    const map = await deps.services.getMasteryMap({ contextId: who.contextId, userId: who.userId });
    render(res, 'student/map', { page: presentMap(map, who.preview), title: `Mastery map: ${map.course.title}` });
  });

  router.get('/student/practice', session, async (req: Request, res) => {
    const who = await learner(res);
    const q = PracticeQuery.safeParse(req.query);
    if (!q.success) throw new ValidationFailed('That link is not valid.');
    const activity = await deps.services.nextActivity({
      contextId: who.contextId,
      userId: who.userId,
      ...(q.data.objective ? { objectiveId: q.data.objective } : {}),
      skipIntro: q.data.go === '1',
    });
    const page = presentActivity(activity, studentCsrfToken(deps.cookieSecret, who.sessionId));
    render(res, 'student/activity', { page, preview: who.preview, title: page.heading });
  });

  router.post('/student/answer', session, async (req, res) => {
    const who = await learner(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const csrf = typeof body.csrf === 'string' ? body.csrf : '';
    if (!csrf || !sameToken(csrf, studentCsrfToken(deps.cookieSecret, who.sessionId))) {
      throw new AppError('ERR_FORBIDDEN', 'This form has expired. Go back, reload the question and try again.');
    }
    const form = AnswerForm.safeParse(body);
    if (!form.success) {
      throw new ValidationFailed('The answer could not be read.', form.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const result = await deps.services.submitResponse({
      contextId: who.contextId,
      userId: who.userId,
      itemId: form.data.itemId,
      attemptId: form.data.attemptId,
      answer: form.data.answer ?? '',
    });
    render(res, 'student/feedback', { page: presentFeedback(result), preview: who.preview, title: `Feedback: ${result.objectiveTitle}` });
  });

  return router;
}
