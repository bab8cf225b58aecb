import { Router } from 'express';
import { presentHome } from '../presenters/home.js';
import { requireSession, sessionOf, type SessionDeps } from '../session.js';

/** GET /app: the page a launch lands on. */
export function homeRouter(deps: SessionDeps): Router {
  const router = Router();
  router.get('/app', requireSession(deps), (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.render('app', { home: presentHome(sessionOf(res)) });
  });
  return router;
}
