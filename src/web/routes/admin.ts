import { Router, type RequestHandler } from 'express';
import { AdminAuthRequired } from '../../domain/errors.js';
import type { FoundationServices } from '../../services/index.js';
import type { Vendor } from '../../services/ports.js';
import { ADMIN_COOKIE, sameToken, signValue, unsignValue } from '../cookies.js';
import { presentAdmin } from '../presenters/admin.js';

/** What the admin routes need. */
export interface AdminRoutesDeps {
  services: Pick<FoundationServices, 'listPlatforms' | 'registerPlatform' | 'addDeployment' | 'removePlatform'>;
  baseUrl: string;
  adminToken: string;
  cookieSecret: string;
  /** Current time in ms (for the admin cookie's expiry). */
  now: () => number;
}

const ADMIN_COOKIE_SECONDS = 8 * 3600;

const field = (body: unknown, name: string): string => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};

/** Admin sign-in: `Authorization: Bearer <ADMIN_TOKEN>` or the HttpOnly cookie set by the sign-in form. */
export function requireAdmin(deps: AdminRoutesDeps): RequestHandler {
  return (req, res, next) => {
    const auth = req.get('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
    if (bearer && sameToken(bearer, deps.adminToken)) return next();
    const exp = Number(unsignValue(deps.cookieSecret, (req.cookies as Record<string, string> | undefined)?.[ADMIN_COOKIE]));
    if (Number.isFinite(exp) && exp > deps.now()) return next();
    if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
      res.status(401).render('admin-signin', { title: 'Masterly: admin sign-in', failed: false });
      return;
    }
    next(new AdminAuthRequired());
  };
}

/** GET /admin: what to paste into the LMS, the registered platforms, and forms to add them. */
export function adminRouter(deps: AdminRoutesDeps): Router {
  const router = Router();
  const guard = requireAdmin(deps);
  const adminCookie = { httpOnly: true, secure: true, sameSite: 'strict' as const, path: '/admin', maxAge: ADMIN_COOKIE_SECONDS * 1000 };

  router.post('/admin/signin', (req, res) => {
    if (!sameToken(field(req.body, 'token'), deps.adminToken)) {
      res.status(401).render('admin-signin', { title: 'Masterly: admin sign-in', failed: true });
      return;
    }
    res.cookie(ADMIN_COOKIE, signValue(deps.cookieSecret, String(deps.now() + ADMIN_COOKIE_SECONDS * 1000)), adminCookie);
    res.redirect(303, '/admin');
  });

  router.post('/admin/signout', (_req, res) => {
    res.clearCookie(ADMIN_COOKIE, { ...adminCookie, maxAge: undefined });
    res.redirect(303, '/admin');
  });

  router.get('/admin', guard, async (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.render('admin', { title: 'Masterly: administration', admin: presentAdmin(deps.baseUrl, await deps.services.listPlatforms()) });
  });

  router.post('/admin/platforms', guard, async (req, res) => {
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
    });
    res.redirect(303, '/admin');
  });

  router.post('/admin/platforms/:id/deployments', guard, async (req, res) => {
    await deps.services.addDeployment({ platformId: String(req.params.id), deploymentId: field(req.body, 'deploymentId') });
    res.redirect(303, '/admin');
  });

  router.post('/admin/platforms/:id/delete', guard, async (req, res) => {
    await deps.services.removePlatform(String(req.params.id));
    res.redirect(303, '/admin');
  });

  return router;
}
