import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError, ValidationFailed } from '../../domain/errors.js';
import { canDeepLink, DeepLinkSelectionRefused, type DeepLinkingServices, type DeepLinkReturn } from '../../services/deepLinking.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { messageOf } from '../errors.js';
import { render } from '../../i18n/index.js';
import type { Message } from '../../domain/message.js';
import { presentPicker, presentReturn } from '../presenters/deepLinking.js';
import { courseSessionOf, requireSession, tOf, type SessionDeps } from '../session.js';

/** What the deep-linking routes need (services bound in src/main.ts). */
export interface DeepLinkingRoutesDeps extends SessionDeps {
  services: DeepLinkingServices;
}

const PickForm = z.object({
  action: z.enum(['add', 'cancel']).default('add'),
  choice: z.union([z.string().max(200), z.array(z.string().max(200)).max(500)]).optional(),
});

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
 * LtiDeepLinkingResponse and auto-posts it to the platform's return URL).
 *
 * @see https://www.imsglobal.org/spec/lti-dl/v2p0
 */
export function deepLinkingRouter(deps: DeepLinkingRoutesDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps)];
  const picker: RequestHandler = (_req, res, next) => {
    if (!canDeepLink(courseSessionOf(res))) throw new AppError('ERR_FORBIDDEN', tOf(res)('deepLinking.instructorOnly'));
    next();
  };
  const csrf = requireCsrf(deps.cookieSecret);
  const noStore = (res: Response) => res.setHeader('cache-control', 'no-store');

  router.get('/deep-linking', ...session, picker, async (_req, res) => {
    const s = courseSessionOf(res);
    const p = await deps.services.openDeepLinkPicker(s);
    noStore(res);
    res.render('deeplinking/picker', { page: presentPicker(p, csrfToken(deps.cookieSecret, s.id), tOf(res)), title: tOf(res)('deepLinking.title') });
  });

  router.post('/deep-linking', ...session, picker, csrf, async (req: Request, res) => {
    const s = courseSessionOf(res);
    const form = PickForm.safeParse(req.body ?? {});
    if (!form.success) throw new ValidationFailed(tOf(res)('deepLinking.chooseOrCancel'));
    const raw = form.data.choice;
    const choices = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    let signed: DeepLinkReturn;
    try {
      const say = (m: Message) => render(tOf(res), m);
      signed = form.data.action === 'cancel' ? await deps.services.cancelDeepLinking(s, say) : await deps.services.returnDeepLinks(s, { choices, say });
    } catch (err) {
      if (!(err instanceof DeepLinkSelectionRefused)) throw err;
      const p = await deps.services.openDeepLinkPicker(s);
      noStore(res);
      res.status(422).render('deeplinking/picker', {
        page: presentPicker(p, csrfToken(deps.cookieSecret, s.id), tOf(res), messageOf(err, tOf(res)), choices),
        title: tOf(res)('deepLinking.title'),
        refusal: err.reason,
      });
      return;
    }
    noStore(res);
    allowFormActionTo(res, signed.returnUrl);
    res.render('deeplinking/return', { page: presentReturn(signed, tOf(res)), title: tOf(res)('deepLinking.returning') });
  });

  return router;
}
