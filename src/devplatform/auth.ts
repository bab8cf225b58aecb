import { Router, type Request, type Response } from 'express';
import { toolEndpoints, type Ctx } from './context.js';
import { PlatformError, findLaunch, idTokenFor } from './launches.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/**
 * OIDC authorization endpoint (LTI 1.3 core §5.1.1, 1EdTech Security Framework §5.1.1.2): answers with an
 * auto-submitting form_post of `id_token` and `state` to the registered redirect URI.
 */
export function authRouter(ctx: Ctx): Router {
  const router = Router();
  const handle = async (req: Request, res: Response): Promise<void> => {
    const p = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
    try {
      const registered = toolEndpoints(ctx.toolUrl).launch;
      if (str(p.client_id) !== ctx.clientId) throw new PlatformError('invalid_client', 'Unknown client_id');
      // Moodle compares redirect_uri with the registered URIs exactly (trailing slash included): invalidrequest otherwise.
      if (str(p.redirect_uri) !== registered) throw new PlatformError('invalidrequest', 'redirect_uri is not registered for this tool');
      if (str(p.scope) !== 'openid') throw new PlatformError('invalid_scope', 'scope must be openid');
      if (str(p.response_type) !== 'id_token') throw new PlatformError('unsupported_response_type', 'response_type must be id_token');
      if (str(p.response_mode) !== 'form_post') throw new PlatformError('invalid_request', 'response_mode must be form_post');
      if (str(p.prompt) !== 'none') throw new PlatformError('invalid_request', 'prompt must be none');
      const nonce = str(p.nonce);
      const state = str(p.state);
      if (!nonce) throw new PlatformError('invalid_request', 'nonce is required');
      if (!state) throw new PlatformError('invalid_request', 'state is required');
      const loginHint = str(p.login_hint);
      const user = loginHint ? ctx.roster.get(loginHint) : undefined;
      if (!user || user.status === 'Deleted') throw new PlatformError('login_required', 'login_hint does not name a person in this course');
      const hint = str(p.lti_message_hint);
      const intent = hint ? await findLaunch(ctx, hint) : undefined;
      if (!intent) throw new PlatformError('invalid_request', 'lti_message_hint does not name a launch');
      if (intent.userId !== user.id) throw new PlatformError('invalid_request', 'lti_message_hint belongs to another person');
      const idToken = await idTokenFor(ctx, intent, nonce);
      res.setHeader('cache-control', 'no-store');
      res.render('devplatform/autopost', { action: registered, fields: { id_token: idToken, state } });
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      ctx.logger.info({ code: err.code }, 'devplatform auth request refused');
      res.status(err.status).render('devplatform/error', { title: 'Invalid request', code: err.code, message: err.message });
    }
  };
  router.get('/auth', handle);
  router.post('/auth', handle);
  return router;
}
