import { createHmac } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import {
  canDeepLink,
  CUSTOM_ACTIVITY,
  CUSTOM_OBJECTIVE,
  DeepLinkSelectionRefused,
  WHOLE_UNIT,
  type DeepLinkingServices,
  type DeepLinkReturn,
} from '../services/deepLinking.js';
import type { LaunchSession, VerifiedLaunch } from '../services/ports.js';
import { sameToken } from './cookies.js';
import { presentPicker, presentReturn } from './deepLinkingPresenters.js';
import { requireSession, sessionOf, type SessionDeps } from './session.js';

/** What the deep-linking routes need (services bound in src/main.ts). */
export interface DeepLinkingRoutesDeps extends SessionDeps {
  services: DeepLinkingServices;
}

/** CSRF token of the picker, bound to the session (HMAC under the cookie secret). */
export const deepLinkCsrfToken = (secret: string, sessionId: string): string =>
  createHmac('sha256', secret).update(`deeplink-csrf:${sessionId}`).digest('base64url');

const PickForm = z.object({
  csrf: z.string().min(1).max(200),
  action: z.enum(['add', 'cancel']).default('add'),
  choice: z.union([z.string().max(200), z.array(z.string().max(200)).max(500)]).optional(),
});

/**
 * Where a verified launch lands: an LtiDeepLinkingRequest on the picker; a student's resource link carrying
 * `masterly_objective` on that objective's practice, `masterly_activity=unit` on the mastery map; otherwise /app.
 */
export function landingPath(launch: Pick<VerifiedLaunch, 'messageType' | 'isInstructor' | 'isLearner' | 'extra'>): string {
  if (launch.messageType === 'LtiDeepLinkingRequest') return '/deep-linking';
  const custom = (launch.extra.custom ?? {}) as Record<string, unknown>;
  if (!launch.isLearner || launch.isInstructor) return '/app';
  const key = custom[CUSTOM_OBJECTIVE];
  if (typeof key === 'string' && key) return `/open/objective/${encodeURIComponent(key)}`;
  if (custom[CUSTOM_ACTIVITY] === WHOLE_UNIT) return '/student';
  return '/app';
}

/** The return URL's origin added to form-action (only this response may post there). */
function allowFormActionTo(res: Response, url: string): void {
  const origin = new URL(url).origin;
  const csp = res.getHeader('content-security-policy');
  if (typeof csp !== 'string') return;
  res.setHeader(
    'content-security-policy',
    csp
      .split(';')
      .map((d) => (d.trim().startsWith('form-action') ? `form-action 'self' ${origin}` : d))
      .join(';'),
  );
}

/**
 * Deep Linking 2.0 pages: GET /deep-linking (the instructor's picker), POST /deep-linking (CSRF; signs the
 * LtiDeepLinkingResponse and auto-posts it to the platform's return URL), and GET /open/objective/:key
 * (a deep-linked objective's launch, opening its practice).
 *
 * @see https://www.imsglobal.org/spec/lti-dl/v2p0
 */
export function deepLinkingRouter(deps: DeepLinkingRoutesDeps): Router {
  const router = Router();
  const session = requireSession(deps);
  const picker = (res: Response): LaunchSession => {
    const s = sessionOf(res);
    if (!canDeepLink(s)) throw new AppError('ERR_FORBIDDEN', 'Only an instructor adding content from the course can choose Masterly content.');
    return s;
  };
  const noStore = (res: Response) => res.setHeader('cache-control', 'no-store');

  router.get('/deep-linking', session, async (_req, res) => {
    const s = picker(res);
    const p = await deps.services.openDeepLinkPicker(s);
    noStore(res);
    res.render('deeplinking/picker', { page: presentPicker(p, deepLinkCsrfToken(deps.cookieSecret, s.id)), title: 'Add Masterly content' });
  });

  router.post('/deep-linking', session, async (req: Request, res) => {
    const s = picker(res);
    const form = PickForm.safeParse(req.body ?? {});
    if (!form.success || !sameToken(form.data.csrf, deepLinkCsrfToken(deps.cookieSecret, s.id))) {
      throw new AppError('ERR_CSRF_INVALID', 'This form has expired. Reload the page and try again.');
    }
    const raw = form.data.choice;
    const choices = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    let signed: DeepLinkReturn;
    try {
      signed = form.data.action === 'cancel' ? await deps.services.cancelDeepLinking(s) : await deps.services.returnDeepLinks(s, { choices });
    } catch (err) {
      if (!(err instanceof DeepLinkSelectionRefused)) throw err;
      const p = await deps.services.openDeepLinkPicker(s);
      noStore(res);
      res.status(422).render('deeplinking/picker', {
        page: presentPicker(p, deepLinkCsrfToken(deps.cookieSecret, s.id), err.message, choices),
        title: 'Add Masterly content',
        refusal: err.reason,
      });
      return;
    }
    noStore(res);
    allowFormActionTo(res, signed.returnUrl);
    res.render('deeplinking/return', { page: presentReturn(signed), title: 'Returning to your course' });
  });

  router.get('/open/objective/:key', session, async (req, res) => {
    const s = sessionOf(res);
    const key = String(req.params.key ?? '');
    const id = s.contextId && key ? await deps.services.objectiveIdForKey(s.contextId, key) : undefined;
    noStore(res);
    res.redirect(303, id ? `/student/practice?objective=${encodeURIComponent(id)}` : '/student');
  });

  return router;
}
