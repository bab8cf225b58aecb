import { Router } from 'express';
import type { FoundationServices } from '../../services/index.js';
import { requireCsrf } from '../csrf.js';
import { requireSession, sessionOf, type SessionDeps } from '../session.js';

/** What the time-zone route needs. */
export interface TimeZoneRoutesDeps extends SessionDeps {
  services: Pick<FoundationServices, 'setSessionTimeZone'>;
}

/**
 * POST /session/time-zone: public/timeZone.js reports the browser's IANA time zone once per session (a form post
 * with the session's CSRF token, and the per-tab token in token mode, ADR 0021); pages then show times in it
 * (ADR 0029). 204; ERR_TIME_ZONE_INVALID (nothing kept) for a zone we do not know.
 */
export function timeZoneRouter(deps: TimeZoneRoutesDeps): Router {
  const router = Router();
  router.post('/session/time-zone', requireSession(deps), requireCsrf(deps.cookieSecret), async (req, res) => {
    await deps.services.setSessionTimeZone(sessionOf(res).id, (req.body as Record<string, unknown>).timeZone);
    res.setHeader('cache-control', 'no-store');
    res.status(204).end();
  });
  return router;
}
