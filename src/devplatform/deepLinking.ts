import { Router } from 'express';
import { CLAIM } from './claims.js';
import type { Ctx } from './context.js';
import { findLaunch } from './launches.js';

interface ContentItem {
  type?: unknown;
  title?: unknown;
  text?: unknown;
  url?: unknown;
  custom?: unknown;
  lineItem?: { label?: unknown; scoreMaximum?: unknown; resourceId?: unknown; tag?: unknown };
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Deep Linking 2.0 return endpoint: verifies the tool's LtiDeepLinkingResponse against the tool JWKS, stores the
 * content items (creating resource links, and line items for items with `lineItem`) and shows what arrived.
 *
 * @see https://www.imsglobal.org/spec/lti-dl/v2p0#deep-linking-response-message
 */
export function deepLinkingRouter(ctx: Ctx): Router {
  const router = Router();
  router.post('/deep_links/return', async (req, res) => {
    const jwt = (req.body as Record<string, unknown> | undefined)?.JWT;
    const refuse = (code: string, message: string): void => {
      ctx.logger.info({ code }, 'devplatform deep linking response refused');
      res.status(400).render('devplatform/error', { title: 'Deep linking response refused', code, message });
    };
    if (typeof jwt !== 'string' || !jwt) return refuse('missing_jwt', 'The JWT form field is required.');
    let claims: Record<string, unknown>;
    try {
      claims = (await ctx.toolKeys.verify(jwt, {
        algorithms: ['RS256', 'RS384', 'RS512'],
        issuer: ctx.clientId,
        audience: ctx.url,
        requiredClaims: ['exp', 'iat', 'nonce'],
        currentDate: new Date(ctx.now()),
        clockTolerance: 5,
      })) as Record<string, unknown>;
    } catch (err) {
      return refuse(`jwt_${String((err as { code?: string }).code ?? 'invalid').toLowerCase()}`, 'The response did not verify against the tool keys.');
    }
    if (claims[CLAIM.messageType] !== 'LtiDeepLinkingResponse') return refuse('wrong_message_type', 'message_type must be LtiDeepLinkingResponse.');
    if (claims[CLAIM.version] !== '1.3.0') return refuse('wrong_version', 'version must be 1.3.0.');
    if (claims[CLAIM.deploymentId] !== ctx.deploymentId) return refuse('wrong_deployment', 'deployment_id does not match.');
    const nonce = String(claims.nonce);
    const seen = await ctx.db.selectFrom('dp_jtis').select('jti').where('jti', '=', `dl-nonce:${nonce}`).executeTakeFirst();
    if (seen) return refuse('nonce_reused', 'This response was already received.');
    await ctx.db.insertInto('dp_jtis').values({ jti: `dl-nonce:${nonce}`, expires_at: ctx.now() + 86_400_000 }).execute();
    const data = claims[CLAIM.dlData];
    const intent = typeof data === 'string' ? await findLaunch(ctx, data) : undefined;
    if (!intent || intent.messageType !== 'LtiDeepLinkingRequest') return refuse('wrong_data', 'data must echo the deep linking request.');

    const items = Array.isArray(claims[CLAIM.contentItems]) ? (claims[CLAIM.contentItems] as ContentItem[]) : [];
    const accepted = items.filter((i) => i.type === 'ltiResourceLink');
    const warning =
      accepted.length < items.length
        ? `${items.length - accepted.length} item(s) of a type this course does not accept were ignored.`
        : '';
    for (const item of accepted) {
      const linkId = `rl-${ctx.randomId(6)}`;
      let lineItemId: number | null = null;
      if (item.lineItem && typeof item.lineItem.scoreMaximum === 'number') {
        const row = await ctx.db
          .insertInto('dp_line_items')
          .values({
            label: s(item.lineItem.label) || s(item.title) || 'Masterly',
            score_maximum: item.lineItem.scoreMaximum,
            resource_id: s(item.lineItem.resourceId) || null,
            tag: s(item.lineItem.tag) || null,
            resource_link_id: linkId,
            start_date_time: null,
            end_date_time: null,
            extra: '{}',
            created_at: ctx.now(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        lineItemId = row.id;
      }
      const custom = item.custom && typeof item.custom === 'object' ? (item.custom as Record<string, unknown>) : {};
      await ctx.db
        .insertInto('dp_resource_links')
        .values({
          id: linkId,
          title: s(item.title) || 'Masterly content',
          description: s(item.text) || null,
          custom: JSON.stringify(Object.fromEntries(Object.entries(custom).map(([k, v]) => [k, String(v)]))),
          members: null,
          line_item_id: lineItemId,
          created_at: ctx.now(),
        })
        .execute();
    }
    await ctx.db.insertInto('dp_deep_links').values({ user_id: intent.userId, received_at: ctx.now(), payload: JSON.stringify(claims) }).execute();
    res.render('devplatform/deeplinks', {
      title: 'Content received',
      mode: ctx.mode(),
      msg: s(claims[CLAIM.dlMsg]),
      errormsg: s(claims[CLAIM.dlErrorMsg]),
      log: s(claims[CLAIM.dlLog]),
      errorlog: s(claims[CLAIM.dlErrorLog]),
      warning,
      items: items.map((i) => ({
        type: s(i.type) || '(no type)',
        title: s(i.title),
        text: s(i.text),
        url: s(i.url),
        lineItem: i.lineItem ? s(i.lineItem.label) || s(i.title) : '',
      })),
    });
  });
  return router;
}
