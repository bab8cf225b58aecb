import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { CheckExpired, ValidationFailed } from '../../domain/errors.js';
import type { MasteryMap } from '../../services/getMasteryMap.js';
import type { Activity, NextActivityInput } from '../../services/nextActivity.js';
import type { SubmitResponseInput, SubmitResult } from '../../services/submitResponse.js';
import type { Confidence } from '../../services/studentGoalPorts.js';
import type { BadgeView, GoalView } from '../../services/studentGoals.js';
import type { HistoryEntry } from '../../services/studentHistory.js';
import { isConfidence } from '../../services/checkConfidence.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { STATUS } from '../errors.js';
import { presentActivity, presentFeedback, presentMap } from '../presenters/student.js';
import { badgeItems, confidenceChoices, confidenceResult, presentGoalSection, presentHistory, type GoalForm } from '../presenters/goals.js';
import { courseSessionOf, requireCourse, requireSession, tOf, type SessionDeps } from '../session.js';

/** The engine use-cases the student pages call (bound in src/main.ts). */
export interface StudentServices {
  getMasteryMap(input: { contextId: string; userId: string }): Promise<MasteryMap>;
  nextActivity(input: NextActivityInput): Promise<Activity>;
  submitResponse(input: SubmitResponseInput): Promise<SubmitResult>;
  /** Demo mode: imports the demo course into a context that has none (no-op otherwise). */
  ensureCourse?(contextId: string): Promise<void>;
  /** Goals, confidence before a check, badges and history (ADR 0024); bound in src/compose.ts. */
  goals: StudentGoalServices;
}

type Learner = { contextId: string; userId: string };
/** The goal, confidence, badge and history use-cases the student pages call. */
export interface StudentGoalServices {
  now(): number;
  get(input: Learner, map: MasteryMap): Promise<{ goal: GoalView | null; badges: BadgeView[] }>;
  set(input: Learner & { objectiveId: string; targetDate: string }): Promise<void>;
  remove(input: Learner): Promise<void>;
  history(input: Learner & { page: number }, map: MasteryMap): Promise<{ entries: HistoryEntry[]; page: number; hasOlder: boolean }>;
  saveConfidence(input: Learner & { objectiveId: string; checkStartedAt: number; confidence: Confidence }): Promise<boolean>;
  confidence(input: Learner & { objectiveId: string; checkStartedAt: number }): Promise<Confidence | undefined>;
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
  /** How sure the student is, asked with a check's first question (optional; an unknown value is ignored). */
  confidence: z.string().max(40).optional(),
});
const GoalFormSchema = z.object({ objectiveId: z.string().max(100).optional(), targetDate: z.string().max(40).optional() });
const HistoryQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).optional() });
const PracticeQuery = z.object({ objective: id.optional(), go: z.literal('1').optional() });

/**
 * Student pages under /student: the mastery map (GET /student), what to do now (GET /student/practice,
 * optionally for one objective) and answering (POST /student/answer, CSRF-checked, idempotent by attempt id).
 * Instructors can open them too and see the pages as a student would, with their own progress.
 */
export function studentRouter(deps: StudentRoutesDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireCourse];
  // What students do all day: a kept session is not looked up, the learner's statements check it (they get the session id).
  const checkedSession: RequestHandler[] = [requireSession(deps, { checkedByCaller: true }), requireCourse];
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

  const goals = deps.services.goals;
  /** The map with the goal section: after a goal form too (rendered, not redirected, so token-mode sessions keep working). */
  const renderMap = async (res: Response, extra: { form?: GoalForm; notice?: 'saved' | 'removed' } = {}) => {
    const who = learner(res);
    const t = tOf(res);
    const map = await deps.services.getMasteryMap({ contextId: who.contextId, userId: who.userId });
    const mine = await goals.get(who, map);
    const goal = presentGoalSection(mine.goal, map, { csrf: csrfToken(deps.cookieSecret, who.sessionId), now: goals.now(), ...extra }, t);
    if (extra.form) res.status(STATUS.ERR_VALIDATION);
    render(res, 'student/map', { page: presentMap(map, who.preview, t), goal, badges: badgeItems(mine.badges, t), title: t('student.mapTitle', { course: map.course.title }) });
  };

  router.get('/student', ...session, course, async (_req, res) => renderMap(res));

  router.post('/student/goal', ...session, course, requireCsrf(deps.cookieSecret), async (req, res) => {
    const who = learner(res);
    const t = tOf(res);
    const form = GoalFormSchema.safeParse(req.body ?? {});
    const input = { objectiveId: form.success ? (form.data.objectiveId ?? '') : '', targetDate: form.success ? (form.data.targetDate ?? '').trim() : '' };
    try {
      await goals.set({ contextId: who.contextId, userId: who.userId, ...input });
    } catch (err) {
      if (!(err instanceof ValidationFailed) || !err.issues.length) throw err;
      const errors: GoalForm['errors'] = {};
      for (const i of err.issues) if (i.path === 'objectiveId' || i.path === 'targetDate') errors[i.path] = t(i.message as 'goals.datePast');
      return renderMap(res, { form: { ...input, errors } });
    }
    await renderMap(res, { notice: 'saved' });
  });

  router.post('/student/goal/remove', ...session, course, requireCsrf(deps.cookieSecret), async (_req, res) => {
    const who = learner(res);
    await goals.remove({ contextId: who.contextId, userId: who.userId });
    await renderMap(res, { notice: 'removed' });
  });

  router.get('/student/history', ...session, course, async (req, res) => {
    const who = learner(res);
    const t = tOf(res);
    const q = HistoryQuery.safeParse(req.query);
    if (!q.success) throw new ValidationFailed(t('errors.badLink'));
    const map = await deps.services.getMasteryMap({ contextId: who.contextId, userId: who.userId });
    const [history, mine] = await Promise.all([goals.history({ contextId: who.contextId, userId: who.userId, page: q.data.page ?? 1 }, map), goals.get(who, map)]);
    render(res, 'student/history', { page: presentHistory(history, mine.badges, t), preview: who.preview, title: t('goals.history.title') });
  });

  router.get('/student/practice', ...checkedSession, course, async (req: Request, res) => {
    const who = learner(res);
    const q = PracticeQuery.safeParse(req.query);
    if (!q.success) throw new ValidationFailed(tOf(res)('errors.badLink'));
    const activity = await deps.services.nextActivity({
      contextId: who.contextId,
      userId: who.userId,
      ...(q.data.objective ? { objectiveId: q.data.objective } : {}),
      skipIntro: q.data.go === '1',
      sessionId: who.sessionId,
    });
    const page = presentActivity(activity, csrfToken(deps.cookieSecret, who.sessionId), tOf(res));
    // Ask how sure they are once, with the check's first question, unless they already said (a reload).
    const check = activity.kind === 'item' ? activity.check : null;
    // What they said is read with the learner (nextActivity), no statement of its own.
    const ask = activity.kind === 'item' && check?.number === 1 && check.startedAt !== undefined && check.confidence === undefined;
    render(res, 'student/activity', { page, confidence: ask ? confidenceChoices(tOf(res)) : null, preview: who.preview, title: page.heading });
  });

  router.post('/student/answer', ...checkedSession, course, requireCsrf(deps.cookieSecret), async (req, res) => {
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
        sessionId: who.sessionId,
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
    // Confidence is kept beside the check (never in the log): it changes no decision, grade or replay (ADR 0024).
    const check = result.check;
    const learnerObjective = { contextId: who.contextId, userId: who.userId, objectiveId: result.objectiveId };
    const posted = check?.startedAt !== undefined && isConfidence(form.data.confidence) ? form.data.confidence : undefined;
    const saved = posted !== undefined && check?.startedAt !== undefined ? await goals.saveConfidence({ ...learnerObjective, checkStartedAt: check.startedAt, confidence: posted }) : false;
    // What was said before this answer came with the learner's lock (result.confidence); a replayed answer, or one whose
    // confidence was said meanwhile elsewhere (not saved now), reads it.
    const readBack = result.replayed || (posted !== undefined && !saved && result.confidence === undefined);
    const said =
      check?.finished && check.startedAt !== undefined
        ? readBack
          ? await goals.confidence({ ...learnerObjective, checkStartedAt: check.startedAt })
          : (result.confidence ?? (saved ? posted : undefined))
        : undefined;
    const t = tOf(res);
    render(res, 'student/feedback', {
      page: presentFeedback(result, t),
      confidence: said && check ? confidenceResult(said, check, t) : null,
      preview: who.preview,
      title: t('student.feedbackTitle', { objective: result.objectiveTitle }),
    });
  });

  return router;
}
