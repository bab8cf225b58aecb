import { Router, type RequestHandler } from 'express';
import type { DeepLinkingServices } from '../../services/deepLinking.js';
import { presentHome } from '../presenters/home.js';
import { requireSession, sessionOf, tOf, type SessionDeps } from '../session.js';

/** What the landing routes need. */
export interface HomeRoutesDeps extends SessionDeps {
  services: Pick<DeepLinkingServices, 'objectiveIdForKey'>;
  baseUrl: string;
  /** On the greeting: an instructor of a course without content goes to set-up (src/web/courseReady.ts). */
  courseReady?: RequestHandler;
}

/**
 * Where people land: GET / (what Masterly is, for whoever opens the tool's address), GET /app (the greeting after a
 * launch, see `landingPath`) and GET /open/objective/:key (a deep-linked objective's launch, opening its practice;
 * the mastery map when the key is unknown).
 */
export function homeRouter(deps: HomeRoutesDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps)];
  // The tool's own address, opened by someone who typed it in: what Masterly is and how to add it (no session).
  const landing = { canvasJsonUrl: `${deps.baseUrl}/lti/config/canvas.json` };
  router.get('/', (_req, res) => {
    res.setHeader('cache-control', 'public, max-age=300');
    res.render('landing', { landing });
  });
  router.get('/app', ...session, ...(deps.courseReady ? [deps.courseReady] : []), (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.render('app', { home: presentHome(sessionOf(res), tOf(res)) });
  });

  router.get('/open/objective/:key', ...session, async (req, res) => {
    const s = sessionOf(res);
    const key = String(req.params.key ?? '');
    const id = s.contextId && key ? await deps.services.objectiveIdForKey(s.contextId, key) : undefined;
    res.setHeader('cache-control', 'no-store');
    res.redirect(303, id ? `/student/practice?objective=${encodeURIComponent(id)}` : '/student');
  });
  return router;
}
