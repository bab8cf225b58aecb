import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError, ValidationFailed } from '../../domain/errors.js';
import { previousContextIdsOf, type CourseSetupServices, type SetupActor, type SetupSource } from '../../services/courseSetup.js';
import { SETUP_PATH } from '../courseReady.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { issueMessage, messageOf } from '../errors.js';
import { presentSetup, type SetupFieldError } from '../presenters/courseSetup.js';
import { presentHome } from '../presenters/home.js';
import { courseSessionOf, requireInstructor, requireSession, tOf, type SessionDeps } from '../session.js';

/** What the set-up router needs. */
export interface CourseSetupDeps extends SessionDeps {
  services: CourseSetupServices;
}

const SetupForm = z.object({
  action: z.enum(['sample', 'copy']),
  sample: z.string().max(100).optional(),
  course: z.string().max(100).optional(),
});

/**
 * The set-up of a course without content, for its instructors: GET /instructor/setup (start from a sample unit, last
 * term's course, another course of theirs, a file, or from scratch; once the course has content, what it has and
 * where to go next) and POST /instructor/setup (CSRF; `action=sample&sample=<id>` or `action=copy&course=<id>`).
 * Learners get ERR_FORBIDDEN.
 */
export function courseSetupRouter(deps: CourseSetupDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireInstructor];
  const actorOf = (res: Response): SetupActor => {
    const s = courseSessionOf(res);
    return { contextId: s.contextId, platformId: s.platformId, userId: s.userId, previousContextIds: previousContextIdsOf(s.claims.custom) };
  };
  const show = async (
    req: Request,
    res: Response,
    extra: { status?: number; alert?: string; errors?: SetupFieldError[]; chosen?: { sample?: string; course?: string } } = {},
  ) => {
    const s = courseSessionOf(res);
    const t = tOf(res);
    const setup = await deps.services.getCourseSetup(actorOf(res));
    const courseTitle = s.context?.title || s.context?.label || t('home.yourCourse');
    const page = presentSetup(
      setup,
      {
        courseTitle,
        csrf: csrfToken(deps.cookieSecret, s.id),
        done: req.query.done === '1',
        deepLinking: s.claims.messageType === 'LtiDeepLinkingRequest',
        ...(extra.alert ? { alert: extra.alert } : {}),
        ...(extra.errors ? { errors: extra.errors } : {}),
        ...(extra.chosen ? { chosen: extra.chosen } : {}),
      },
      t,
    );
    res.status(extra.status ?? 200).setHeader('cache-control', 'no-store');
    const title = extra.errors?.length ? t('setup.errorTitle', { course: courseTitle }) : t('setup.title', { course: courseTitle });
    // The instructor's landing page while the course has no content (the dashboard sends them here): it greets them.
    res.render('setup/index', { page, home: presentHome(s, t), title });
  };

  router.get(SETUP_PATH, ...session, async (req, res) => show(req, res));

  router.post(SETUP_PATH, ...session, requireCsrf(deps.cookieSecret), async (req, res) => {
    const t = tOf(res);
    const form = SetupForm.safeParse(req.body ?? {});
    if (!form.success) throw new ValidationFailed(t('setup.errors.badForm'));
    const { action, sample, course } = form.data;
    const chosen = { ...(sample ? { sample } : {}), ...(course ? { course } : {}) };
    // A missing choice is the form's problem, shown beside its field.
    if (action === 'sample' && !sample) return show(req, res, { status: 422, errors: [{ field: 'sample', message: t('setup.errors.chooseSample') }], chosen });
    if (action === 'copy' && !course) return show(req, res, { status: 422, errors: [{ field: 'course', message: t('setup.errors.chooseCourse') }], chosen });
    const source: SetupSource = action === 'sample' ? { kind: 'sample', id: sample ?? '' } : { kind: 'course', contextId: course ?? '' };
    try {
      await deps.services.setUpCourse(actorOf(res), source);
    } catch (err) {
      if (err instanceof ValidationFailed && err.issues.length) {
        const errors = err.issues.map((i) => ({ field: i.path === 'sample' ? 'sample' : 'course', message: issueMessage(i, t) }) as const);
        return show(req, res, { status: 422, errors, chosen });
      }
      if (err instanceof AppError && err.code === 'ERR_CONFLICT') return show(req, res, { status: 409, alert: messageOf(err, t) });
      throw err;
    }
    res.redirect(303, `${SETUP_PATH}?done=1`);
  });

  return router;
}
