import { Router, type Request, type Response } from 'express';
import type { FoundationServices } from '../../services/index.js';
import type { LoginParams, LoginRedirect } from '../../services/ports.js';
import { LaunchRejected } from '../../domain/errors.js';
import { crossSiteCookie, SESSION_COOKIE, signValue, unsignValue } from '../cookies.js';
import { landingPath, type AudienceOf } from '../landing.js';
import { securityHeadersOf } from '../securityHeaders.js';
import { tOf } from '../session.js';

/** What the LTI routes need. */
export interface LtiRoutesDeps {
  services: Pick<FoundationServices, 'startLogin' | 'completeLaunch' | 'loginCookieName' | 'launchFallback' | 'publicJwks' | 'canvasConfiguration'>;
  baseUrl: string;
  cookieSecret: string;
  sessionTtlSeconds: number;
  /** Names the client for the per-address login cap (src/web/clientAddress.ts). */
  clientHash: (req: Request) => string;
  /** Sorts a launch's roles into the audience that chooses its first page (src/web/landing.ts). */
  audienceOf: AudienceOf;
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
  set('storageTarget', src.lti_storage_target);
  return p;
}

/** The form field in which the launch page posts the binding it read back from Platform Storage. */
const STORED_BINDING_FIELD = 'lti_storage_binding';

/**
 * A post sent by one of the tool's own pages: Origin is the tool's origin, or (a browser sending `Origin: null`)
 * Sec-Fetch-Site says same-origin. A page of another site can post a form to us, but not pass this.
 */
function fromOwnPage(req: Request, toolOrigin: string): boolean {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') return origin === toolOrigin;
  return req.get('sec-fetch-site') === 'same-origin';
}

/** The auth request as a GET form: the action without its query, the query as hidden fields (order kept). */
function authForm(redirect: LoginRedirect): { action: string; fields: [string, string][] } {
  const url = new URL(redirect.redirectUrl);
  const fields = [...url.searchParams.entries()];
  url.search = '';
  return { action: url.href, fields };
}

/**
 * LTI endpoints: OIDC login initiation (GET and POST), the launch (form_post of id_token + state),
 * the tool's JWKS and Canvas's JSON configuration.
 *
 * @see https://www.imsglobal.org/spec/security/v1p0#openid_connect_launch_flow
 */
export function ltiRouter(deps: LtiRoutesDeps): Router {
  const router = Router();

  const toolOrigin = new URL(deps.baseUrl).origin;

  const login = async (req: Request, res: Response) => {
    const redirect = await deps.services.startLogin({ ...loginParams(req), clientHash: deps.clientHash(req) });
    res.cookie(redirect.cookie.name, redirect.cookie.value, crossSiteCookie(redirect.cookie.maxAgeSeconds));
    res.setHeader('cache-control', 'no-store');
    if (!redirect.storage) {
      redirectTo(res, 302, redirect.redirectUrl);
      return;
    }
    // Platform Storage offered: a page keeps the binding in the platform's frame too (public/ltiStorage.js), then
    // continues to the auth endpoint; the cookie still goes along for browsers that keep it. The LMS page framing it
    // may not be known before this first launch is validated: this step may be framed by any page.
    securityHeadersOf(res)?.frameableByAnyAncestor(res);
    res.render('lti/storage-login', { title: tOf(res)('cookieless.openingTitle'), storage: redirect.storage, form: authForm(redirect) });
  };
  router.get('/lti/login', login);
  router.post('/lti/login', login);

  router.post('/lti/launch', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const state = str(body.state);
    const idToken = str(body.id_token);
    const cookies = (req.cookies ?? {}) as Record<string, string>;
    const withCookie = state !== undefined && cookies[deps.services.loginCookieName(state)] !== undefined;
    const storedBinding = withCookie ? undefined : str(body[STORED_BINDING_FIELD]);
    res.setHeader('cache-control', 'no-store');
    if (!withCookie && state && idToken) {
      if (storedBinding === undefined) {
        // The browser blocked the login cookie: read the binding back from Platform Storage, or offer a new window.
        // Nothing is consumed here; an unknown, used or expired state goes on to the checks, which refuse it.
        const fallback = await deps.services.launchFallback(state);
        if (fallback?.storage || fallback?.relaunch) {
          // Its form posts back here: with this policy the browser names our origin in that post (fromOwnPage).
          securityHeadersOf(res)?.frameableByAnyAncestor(res);
          res.setHeader('referrer-policy', 'same-origin');
          res.render('lti/storage-launch', { title: tOf(res)('cookieless.openingTitle'), idToken, state, storage: fallback.storage, relaunch: fallback.relaunch });
          return;
        }
      } else if (!fromOwnPage(req, toolOrigin)) {
        throw new LaunchRejected('state_browser_mismatch', tOf(res)('errors.launch.state_browser_mismatch'));
      }
    }
    const done = await deps.services.completeLaunch({ idToken, state, cookies, ...(storedBinding !== undefined ? { storedBinding } : {}) });
    const session = signValue(deps.cookieSecret, done.sessionId);
    if (withCookie || storedBinding === undefined) {
      if (state) res.clearCookie(deps.services.loginCookieName(state), { ...crossSiteCookie(0), maxAge: undefined });
      // The cookie lives no longer than the session row (both SESSION_TTL_SECONDS from now).
      res.cookie(SESSION_COOKIE, session, crossSiteCookie(deps.sessionTtlSeconds));
      redirectTo(res, 303, landingPath(done, deps.audienceOf));
      return;
    }
    // No third-party cookies: a partitioned cookie (CHIPS) where the browser keeps one, else the page carries the
    // session as a per-tab token (public/session.js decides which by asking /lti/session).
    res.cookie(SESSION_COOKIE, session, { ...crossSiteCookie(deps.sessionTtlSeconds), partitioned: true });
    // This page becomes the tool's pages in token mode: the strict frame-ancestors, with the LMS page's origin this
    // launch has just taught us.
    securityHeadersOf(res)?.refresh(res);
    res.render('lti/session-start', { title: tOf(res)('cookieless.openingTitle'), landing: landingPath(done, deps.audienceOf), sessionToken: session });
  });

  // Whether the session cookie came back (204) or the page must carry its token (401): asked once after a cookie-less launch.
  router.get('/lti/session', (req, res) => {
    const kept = unsignValue(deps.cookieSecret, (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE]) !== undefined;
    res.setHeader('cache-control', 'no-store');
    res.status(kept ? 204 : 401).end();
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
