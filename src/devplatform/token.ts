import { randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { SCOPES, platformEndpoints, type Ctx } from './context.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const SUPPORTED = new Set<string>(Object.values(SCOPES));
const TOKEN_TTL_S = 3600;

const oauthError = (res: Response, status: number, error: string, description: string): void => {
  res.status(status).setHeader('cache-control', 'no-store');
  res.json({ error, error_description: description });
};

/**
 * Token endpoint: client_credentials with a private_key_jwt client assertion (1EdTech Security Framework §4.1,
 * RFC 7523), checked against the tool's JWKS fetched over HTTP.
 */
export function tokenRouter(ctx: Ctx): Router {
  const router = Router();
  const tokenUrl = platformEndpoints(ctx.url, ctx.courseId).token;
  router.post('/token', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') return oauthError(res, 400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    if (body.client_assertion_type !== ASSERTION_TYPE) return oauthError(res, 400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
    if (typeof body.client_assertion !== 'string' || !body.client_assertion) return oauthError(res, 400, 'invalid_request', 'client_assertion is required');
    const requested = typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : [];
    // "Grade sync only" grants the score scope and nothing else of AGS; a tool installed without services gets none.
    const services = ctx.tool?.().services ?? true;
    const granted = requested.filter((s) => SUPPORTED.has(s) && services && (ctx.agsMode() === 'full' || !s.includes('/lti-ags/') || s === SCOPES.score));
    if (granted.length === 0) return oauthError(res, 400, 'invalid_scope', 'no supported scope requested');

    let payload;
    try {
      payload = await ctx.toolKeys.verify(body.client_assertion, {
        algorithms: ['RS256', 'RS384', 'RS512'],
        issuer: ctx.clientId,
        subject: ctx.clientId,
        audience: tokenUrl,
        requiredClaims: ['exp', 'iat', 'jti'],
        currentDate: new Date(ctx.now()),
        clockTolerance: 5,
      });
    } catch (err) {
      ctx.logger.info({ code: (err as { code?: string }).code }, 'devplatform client assertion refused');
      return oauthError(res, 401, 'invalid_client', 'client assertion did not verify');
    }
    const jti = String(payload.jti);
    const now = ctx.now();
    await ctx.db.deleteFrom('dp_jtis').where('expires_at', '<', now).execute();
    const reused = await ctx.db.selectFrom('dp_jtis').select('jti').where('jti', '=', jti).executeTakeFirst();
    if (reused) return oauthError(res, 401, 'invalid_client', 'client assertion jti was already used');
    await ctx.db.insertInto('dp_jtis').values({ jti, expires_at: Math.max((payload.exp ?? 0) * 1000, now) + 60_000 }).execute();

    const token = randomBytes(24).toString('base64url');
    await ctx.db
      .insertInto('dp_tokens')
      .values({ token, client_id: ctx.clientId, scopes: granted.join(' '), expires_at: now + TOKEN_TTL_S * 1000 })
      .execute();
    res.setHeader('cache-control', 'no-store');
    res.json({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_TTL_S, scope: granted.join(' ') });
  });
  return router;
}

/** Requires a live bearer token holding one of `scopes` (401 without a valid token, 403 without the scope). */
export function requireScope(ctx: Ctx, ...scopes: string[]) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const unauthorized = (description: string): void => {
      res.setHeader('www-authenticate', `Bearer error="invalid_token", error_description="${description}"`);
      res.status(401).json({ error: 'invalid_token', error_description: description });
    };
    if (!m?.[1]) return unauthorized('a bearer token is required');
    const row = await ctx.db.selectFrom('dp_tokens').selectAll().where('token', '=', m[1]).executeTakeFirst();
    if (!row || row.expires_at <= ctx.now()) return unauthorized('the access token is invalid or expired');
    if (ctx.faults.takeTokenExpiry()) {
      // The injected expiry behaves like a real one: every token issued so far stops working.
      await ctx.db.updateTable('dp_tokens').set({ expires_at: ctx.now() }).where('expires_at', '>', ctx.now()).execute();
      return unauthorized('the access token is invalid or expired');
    }
    const held = row.scopes.split(' ');
    if (!scopes.some((s) => held.includes(s))) {
      res.status(403).json({ error: 'insufficient_scope', error_description: `requires one of: ${scopes.join(' ')}` });
      return;
    }
    next();
  };
}

/** Canvas refuses API requests without a User-Agent (403) and reports its throttle budget. */
export function canvasApiQuirks(ctx: Ctx) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (ctx.mode() !== 'canvas') return next();
    res.setHeader('x-request-cost', '0.1');
    res.setHeader('x-rate-limit-remaining', '700.0');
    if (!req.headers['user-agent']) {
      res.status(403).json({ errors: [{ message: 'User-Agent header is required' }] });
      return;
    }
    next();
  };
}
