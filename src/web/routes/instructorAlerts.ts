import { Router, type RequestHandler, type Response } from 'express';
import type { InstructorAlert } from '../../services/instructorAlerts.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { presentAlert } from '../presenters/alerts.js';
import { courseSessionOf, requireInstructor, requireSession, tOf, type SessionDeps } from '../session.js';

/** The use-cases the alerts page calls (bound in src/compose.ts). */
export interface InstructorAlertServices {
  listAlerts(input: { contextId: string; userId: string }): Promise<InstructorAlert[]>;
  markAlertsRead(input: { contextId: string; userId: string }): Promise<number>;
}

export interface InstructorAlertsDeps extends SessionDeps {
  services: InstructorAlertServices;
  /** Whether e-mail digests are configured (SMTP_URL). */
  digests: boolean;
}

/** Instructor-only: GET /instructor/alerts (new ones first) and POST /instructor/alerts/read (CSRF-checked). */
export function instructorAlertsRouter(deps: InstructorAlertsDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireInstructor];
  const who = (res: Response) => {
    const s = courseSessionOf(res);
    return { contextId: s.contextId, userId: s.userId, sessionId: s.id, course: s.context?.title ?? s.context?.label ?? '' };
  };

  router.get('/instructor/alerts', ...session, async (req, res) => {
    const { contextId, userId, sessionId, course } = who(res);
    const t = tOf(res);
    const alerts = (await deps.services.listAlerts({ contextId, userId })).map((a) => presentAlert(a, t));
    const marked = Number(req.query.marked);
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/alerts', {
      title: t('alerts.title', { course }),
      page: {
        alerts,
        newCount: alerts.filter((a) => a.isNew).length,
        notice: Number.isInteger(marked) && marked > 0 ? t('alerts.marked', { count: marked }) : null,
        email: t('alerts.email', { state: t(deps.digests ? 'alerts.emailOn' : 'alerts.emailOff') }),
        csrf: csrfToken(deps.cookieSecret, sessionId),
      },
    });
  });

  router.post('/instructor/alerts/read', ...session, requireCsrf(deps.cookieSecret), async (_req, res) => {
    const { contextId, userId } = who(res);
    const n = await deps.services.markAlertsRead({ contextId, userId });
    res.redirect(303, `/instructor/alerts?marked=${n}`);
  });
  return router;
}
