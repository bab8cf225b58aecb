import { randomBytes } from 'node:crypto';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { AdminAuthRequired, AppError, CsrfInvalid } from '../../domain/errors.js';
import { msg } from '../../domain/message.js';
import { readSession, tOf } from '../session.js';
import type { FoundationServices } from '../../services/index.js';
import type { Clock, CourseAcrossRegistrations, Platform, Vendor } from '../../services/ports.js';
import type { SelfTestResult } from '../../services/selfTestPlatform.js';
import { presentSelfTest } from '../presenters/selfTest.js';
import { ADMIN_COOKIE, signValue, unsignValue } from '../cookies.js';
import { checkCsrf, csrfToken } from '../csrf.js';
import { presentAdmin } from '../presenters/admin.js';

/** The console's platform controls (services/managePlatforms.ts). */
export interface ConsoleServices {
  setPlatformStatus(input: { platformId: string; status: string }): Promise<void>;
  setNewDeployments(input: { platformId: string; policy: string }): Promise<void>;
  setDeploymentStatus(input: { platformId: string; deploymentId: string; action: string }): Promise<void>;
  listCourses(): Promise<CourseAcrossRegistrations[]>;
  selfTest(platformId: string): Promise<{ platform: Platform; results: SelfTestResult[] }>;
  listKeys(): Promise<{ kid: string; status: string; createdAt: number }[]>;
  rotateKeys(): Promise<void>;
  /** Whether launch roles make the person an LMS administrator (institution or system Administrator). */
  isLmsAdministrator(roles: readonly string[]): boolean;
}

/** What the admin routes need. */
export interface AdminRoutesDeps {
  services: Pick<FoundationServices, 'listPlatforms' | 'registerPlatform' | 'addDeployment' | 'removePlatform' | 'setLmsAddress' | 'getSession'>;
  console: ConsoleServices;
  baseUrl: string;
  cookieSecret: string;
  /** For the admin cookie's expiry. */
  clock: Clock;
  /**
   * Checks a token given by this request (form or bearer) against ADMIN_TOKEN, throttled per client address: false
   * when wrong, RateLimited (429) while the address is locked out (services/verifyAdminToken.ts).
   */
  checkToken: (req: Request, token: string) => Promise<boolean>;
}

const ADMIN_COOKIE_SECONDS = 8 * 3600;

const field = (body: unknown, name: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};

/** The admin forms' CSRF tokens are bound to the admin cookie (the signed admin session): new with every sign-in. */
const csrfBinding = (adminCookie: string): string => `admin:${adminCookie}`;

/** The CSRF binding of a cookie or launch sign-in (bearer calls need none). */
const bindingOf = (auth: AdminAuth): string => (auth.via === 'cookie' ? csrfBinding(auth.cookie) : auth.via === 'lti' ? `lti-admin:${auth.sessionId}` : '');

/** The platform a launch-signed-in administrator may manage (undefined: the admin token, everything). */
const scopeOf = (res: Response): string | undefined => {
  const auth = adminAuthOf(res);
  return auth?.via === 'lti' ? auth.platformId : undefined;
};

/** Refuses (ERR_FORBIDDEN) a launch-signed-in administrator acting on another platform or on the whole tool. */
const requirePlatformScope: RequestHandler = (req, res, next) => {
  const scope = scopeOf(res);
  if (scope !== undefined && scope !== req.params.id) throw new AppError('ERR_FORBIDDEN', 'This page manages only the LMS you launched from.', { said: msg('registration.console.otherPlatform') });
  next();
};

/**
 * How this request proved it is an admin (set by requireAdmin): the admin token (bearer or the sign-in cookie) manages
 * everything; a launch with an LMS administrator role manages only the platform it launched from.
 */
type AdminAuth = { via: 'bearer' } | { via: 'cookie'; cookie: string } | { via: 'lti'; sessionId: string; platformId: string };

const adminAuthOf = (res: Response): AdminAuth | undefined => res.locals.adminAuth as AdminAuth | undefined;

/** The CSRF token for the forms of a page served after `requireAdmin` ('' for bearer-token callers, who need none). */
export const adminCsrfOf = (res: Response, cookieSecret: string): string => {
  const auth = adminAuthOf(res);
  return auth?.via === 'cookie' ? csrfToken(cookieSecret, csrfBinding(auth.cookie)) : '';
};

/** The admin cookie when it is validly signed and not expired. */
const liveAdminCookie = (deps: Pick<AdminRoutesDeps, 'cookieSecret' | 'clock'>, req: Request): string | undefined => {
  const cookie = (req.cookies as Record<string, string> | undefined)?.[ADMIN_COOKIE];
  // The signed value is `<expiry ms>:<random id>`: the id makes every sign-in (and its CSRF token) unique.
  const exp = Number(unsignValue(deps.cookieSecret, cookie)?.split(':')[0]);
  return Number.isFinite(exp) && exp > deps.clock.now() ? cookie : undefined;
};

/** Admin sign-in: `Authorization: Bearer <ADMIN_TOKEN>` or the HttpOnly cookie set by the sign-in form. */
export function requireAdmin(
  deps: Pick<AdminRoutesDeps, 'cookieSecret' | 'clock' | 'checkToken'> & Partial<Pick<AdminRoutesDeps, 'services' | 'console'>>,
): RequestHandler {
  return async (req, res, next) => {
    const auth = req.get('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
    if (bearer && (await deps.checkToken(req, bearer))) {
      res.locals.adminAuth = { via: 'bearer' } satisfies AdminAuth;
      return next();
    }
    const cookie = liveAdminCookie(deps, req);
    if (cookie) {
      res.locals.adminAuth = { via: 'cookie', cookie } satisfies AdminAuth;
      return next();
    }
    // An LMS administrator's launch (pages scoped to one platform); without these deps (the privacy pages, which span
    // every platform) only the admin token signs in.
    const carried = deps.services && deps.console ? readSession(req, deps.cookieSecret) : undefined;
    const session = carried ? await deps.services?.getSession(carried.id) : undefined;
    if (session && deps.console?.isLmsAdministrator(session.roles)) {
      res.locals.adminAuth = { via: 'lti', sessionId: session.id, platformId: session.platformId } satisfies AdminAuth;
      // Token mode (a launch without third-party cookies): the console's page carries the token on, as requireSession's do.
      if (carried?.token) res.locals.sessionToken = carried.token;
      return next();
    }
    if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
      res.status(401).render('admin-signin', { failed: false });
      return;
    }
    next(new AdminAuthRequired());
  };
}

/**
 * Refuses a cookie-authenticated POST whose `csrf` field is not the admin session's token (ERR_CSRF_INVALID, nothing
 * changed). Bearer-token calls carry no ambient credential, so they need none.
 */
export function requireAdminCsrf(deps: Pick<AdminRoutesDeps, 'cookieSecret'>): RequestHandler {
  return (req, res, next) => {
    const auth = adminAuthOf(res);
    if (auth?.via === 'bearer') return next();
    if (!auth) throw new CsrfInvalid();
    checkCsrf(req.body, deps.cookieSecret, bindingOf(auth));
    next();
  };
}

/** GET /admin: what to paste into the LMS, the registered platforms, and forms to add them. */
export function adminRouter(deps: AdminRoutesDeps): Router {
  const router = Router();
  const guard = requireAdmin(deps);
  const csrf = requireAdminCsrf(deps);
  const adminCookie = { httpOnly: true, secure: true, sameSite: 'strict' as const, path: '/admin', maxAge: ADMIN_COOKIE_SECONDS * 1000 };

  router.post('/admin/signin', async (req, res) => {
    if (!(await deps.checkToken(req, field(req.body, 'token')))) {
      res.status(401).render('admin-signin', { failed: true });
      return;
    }
    res.cookie(ADMIN_COOKIE, signValue(deps.cookieSecret, `${deps.clock.now() + ADMIN_COOKIE_SECONDS * 1000}:${randomBytes(16).toString('base64url')}`), adminCookie);
    res.redirect(303, '/admin');
  });

  router.post('/admin/signout', (req, res) => {
    // Only a live admin session can be signed out by a forged form; ask for its token then.
    const cookie = liveAdminCookie(deps, req);
    if (cookie) checkCsrf(req.body, deps.cookieSecret, csrfBinding(cookie));
    res.clearCookie(ADMIN_COOKIE, { ...adminCookie, maxAge: undefined });
    res.redirect(303, '/admin');
  });

  router.get('/admin', guard, async (_req, res) => {
    const auth = adminAuthOf(res);
    const token = auth && auth.via !== 'bearer' ? csrfToken(deps.cookieSecret, bindingOf(auth)) : '';
    res.setHeader('cache-control', 'no-store');
    const [platforms, courses, keys] = await Promise.all([deps.services.listPlatforms(), deps.console.listCourses(), deps.console.listKeys()]);
    const scope = scopeOf(res);
    const view = scope === undefined
      ? presentAdmin(deps.baseUrl, platforms, token, tOf(res), courses, keys)
      : { ...presentAdmin(deps.baseUrl, platforms.filter((p) => p.id === scope), token, tOf(res), courses.filter((c) => c.platformIds.includes(scope))), scoped: true };
    res.render('admin', { admin: view });
  });

  /** Whole-tool actions: the admin token only. */
  const wholeTool: RequestHandler = (_req, res, next) => {
    if (scopeOf(res) !== undefined) throw new AppError('ERR_FORBIDDEN', 'Only the Masterly administrator (admin token) can do this.', { said: msg('registration.console.tokenOnly') });
    next();
  };

  router.post('/admin/platforms', guard, csrf, wholeTool, async (req, res) => {
    const deployment = field(req.body, 'deploymentId');
    const vendor = field(req.body, 'vendor');
    await deps.services.registerPlatform({
      issuer: field(req.body, 'issuer'),
      clientId: field(req.body, 'clientId'),
      authUrl: field(req.body, 'authUrl'),
      tokenUrl: field(req.body, 'tokenUrl'),
      jwksUrl: field(req.body, 'jwksUrl'),
      ...(field(req.body, 'name') ? { name: field(req.body, 'name') } : {}),
      ...(vendor ? { vendor: vendor as Vendor } : {}),
      deploymentIds: deployment ? [deployment] : [],
      ...(field(req.body, 'lmsUrl') ? { lmsUrl: field(req.body, 'lmsUrl') } : {}),
    });
    res.redirect(303, '/admin');
  });

  router.post('/admin/platforms/:id/deployments', guard, csrf, requirePlatformScope, async (req, res) => {
    await deps.services.addDeployment({ platformId: String(req.params.id), deploymentId: field(req.body, 'deploymentId') });
    res.redirect(303, '/admin');
  });

  router.post('/admin/platforms/:id/lms-url', guard, csrf, requirePlatformScope, async (req, res) => {
    await deps.services.setLmsAddress({ platformId: String(req.params.id), lmsUrl: field(req.body, 'lmsUrl') });
    res.redirect(303, '/admin');
  });

  router.get('/admin/platforms/:id/self-test', guard, requirePlatformScope, async (req, res) => {
    const outcome = await deps.console.selfTest(String(req.params.id));
    res.setHeader('cache-control', 'no-store');
    res.render('admin-selftest', { test: presentSelfTest(outcome.platform, outcome.results, tOf(res)) });
  });

  router.post('/admin/keys/rotate', guard, csrf, wholeTool, async (_req, res) => {
    await deps.console.rotateKeys();
    res.redirect(303, '/admin');
  });

  router.post('/admin/platforms/:id/status', guard, csrf, requirePlatformScope, async (req, res) => {
    await deps.console.setPlatformStatus({ platformId: String(req.params.id), status: field(req.body, 'status') });
    res.redirect(303, '/admin');
  });

  router.post('/admin/platforms/:id/new-deployments', guard, csrf, requirePlatformScope, async (req, res) => {
    await deps.console.setNewDeployments({ platformId: String(req.params.id), policy: field(req.body, 'policy') });
    res.redirect(303, '/admin');
  });

  router.post('/admin/platforms/:id/deployment-status', guard, csrf, requirePlatformScope, async (req, res) => {
    await deps.console.setDeploymentStatus({ platformId: String(req.params.id), deploymentId: field(req.body, 'deploymentId'), action: field(req.body, 'action') });
    res.redirect(303, '/admin');
  });

  router.post('/admin/platforms/:id/delete', guard, csrf, requirePlatformScope, async (req, res) => {
    await deps.services.removePlatform(String(req.params.id));
    res.redirect(303, '/admin');
  });

  return router;
}
