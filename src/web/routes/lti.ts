import { Router, type Request, type Response } from 'express';
import type { FoundationServices } from '../../services/index.js';
import type { LoginParams } from '../../services/ports.js';
import { crossSiteCookie, SESSION_COOKIE, signValue } from '../cookies.js';
import { landingPath } from '../landing.js';

/** What the LTI routes need. */
export interface LtiRoutesDeps {
  services: Pick<FoundationServices, 'startLogin' | 'completeLaunch' | 'loginCookieName' | 'publicJwks' | 'canvasConfiguration'>;
  baseUrl: string;
  cookieSecret: string;
  sessionTtlSeconds: number;
  /** Names the client for the per-address login cap (src/web/clientAddress.ts). */
  clientHash: (req: Request) => string;
}

/**
 * A bare redirect for the launch path: Location (encoded as res.redirect does) and an empty body. Express's
 * res.redirect also negotiates an HTML/text body by Accept on every call, which cost ~10 % of a launch's CPU;
 * browsers and LMS frames follow the Location header alone.
 */
const redirectTo = (res: Response, status: 302 | 303, url: string) => {
  res.location(url).status(status).setHeader('content-length', '0');
  res.end();
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads login initiation parameters from the query (GET) or form (POST); Canvas sends `deployment_id`. */
function loginParams(req: Request): LoginParams {
  const src = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
  const p: LoginParams = {};
  const set = (k: keyof LoginParams, v: unknown) => {
    const s = str(v);
    if (s !== undefined) p[k] = s;
  };
  set('iss', src.iss);
  set('loginHint', src.login_hint);
  set('targetLinkUri', src.target_link_uri);
  set('ltiMessageHint', src.lti_message_hint);
  set('clientId', src.client_id);
  set('deploymentId', src.lti_deployment_id ?? src.deployment_id);
  return p;
}

/**
 * LTI endpoints: OIDC login initiation (GET and POST), the launch (form_post of id_token + state),
 * the tool's JWKS and Canvas's JSON configuration.
 *
 * @see https://www.imsglobal.org/spec/security/v1p0#openid_connect_launch_flow
 */
export function ltiRouter(deps: LtiRoutesDeps): Router {
  const router = Router();

  const login = async (req: Request, res: Response) => {
    const redirect = await deps.services.startLogin({ ...loginParams(req), clientHash: deps.clientHash(req) });
    res.cookie(redirect.cookie.name, redirect.cookie.value, crossSiteCookie(redirect.cookie.maxAgeSeconds));
    res.setHeader('cache-control', 'no-store');
    redirectTo(res, 302, redirect.redirectUrl);
  };
  router.get('/lti/login', login);
  router.post('/lti/login', login);

  router.post('/lti/launch', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const state = str(body.state);
    const done = await deps.services.completeLaunch({
      idToken: str(body.id_token),
      state,
      cookies: (req.cookies ?? {}) as Record<string, string>,
    });
    if (state) res.clearCookie(deps.services.loginCookieName(state), { ...crossSiteCookie(0), maxAge: undefined });
    // The cookie lives no longer than the session row (both SESSION_TTL_SECONDS from now).
    res.cookie(SESSION_COOKIE, signValue(deps.cookieSecret, done.sessionId), crossSiteCookie(deps.sessionTtlSeconds));
    res.setHeader('cache-control', 'no-store');
    redirectTo(res, 303, landingPath(done.launch));
  });

  router.get('/.well-known/jwks.json', async (_req, res) => {
    const jwks = await deps.services.publicJwks();
    res.setHeader('cache-control', 'public, max-age=300');
    res.json({ keys: jwks.keys.map((k) => ({ kty: k.kty, kid: k.kid, n: k.n, e: k.e, alg: k.alg, use: k.use })) });
  });

  router.get('/lti/config/canvas.json', (_req, res) => {
    res.setHeader('cache-control', 'public, max-age=300');
    res.json(deps.services.canvasConfiguration(deps.baseUrl));
  });

  return router;
}
