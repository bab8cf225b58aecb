import { Router, type RequestHandler } from 'express';
import type { DeepLinkingServices } from '../../services/deepLinking.js';
import { APP_PATH, sessionLandingPath, type AudienceOf } from '../landing.js';
import { presentLaunchHelp } from '../presenters/home.js';
import { requireSession, sessionOf, tOf, type SessionDeps } from '../session.js';

/** What the landing routes need. */
export interface HomeRoutesDeps extends SessionDeps {
  services: Pick<DeepLinkingServices, 'objectiveIdForKey'>;
  baseUrl: string;
  /** Sorts a session's roles into the audience that chooses its page (src/lti/roles.ts). */
  audienceOf: AudienceOf;
}

/**
 * Where people land: GET / (what Masterly is, for whoever opens the tool's address), GET /app (what a launch with no
 * page of its own can do; any other session is redirected to its page, as its launch was — see src/web/landing.ts)
 * and GET /open/objective/:key (a deep-linked objective's launch, opening its practice;
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
  router.get(APP_PATH, ...session, (_req, res) => {
    const s = sessionOf(res);
    res.setHeader('cache-control', 'no-store');
    const to = sessionLandingPath(s, deps.audienceOf);
    if (to !== APP_PATH) return res.redirect(303, to);
    res.render('app', { help: presentLaunchHelp(s, deps.audienceOf(s.roles), tOf(res)) });
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
