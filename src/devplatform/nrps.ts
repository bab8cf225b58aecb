import { Router } from 'express';
import { SCOPES, type Ctx } from './context.js';
import { intParam, selfUrl, setLink } from './http.js';
import { hasRole, type DevUser } from './people.js';
import { requireScope } from './token.js';

const MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

const presentMember = (u: DevUser) => ({
  status: u.status,
  user_id: u.id,
  roles: u.roles.filter((r) => r.includes('/membership')),
  ...(u.name ? { name: u.name, given_name: u.givenName, family_name: u.familyName } : {}),
  ...(u.email ? { email: u.email } : {}),
});

/**
 * Names and Role Provisioning Services 2.0: paged membership (`limit`, `rel="next"`), `role` and `rlid` filters
 * (combined with AND), and a `rel="differences"` link answered with `since`.
 *
 * @see https://www.imsglobal.org/spec/lti-nrps/v2p0
 */
export function nrpsRouter(ctx: Ctx): Router {
  const router = Router();
  router.get(`/api/lti/courses/:courseId/names_and_roles`, requireScope(ctx, SCOPES.nrps), async (req, res) => {
    if (req.params.courseId !== ctx.courseId) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    const q = req.query as Record<string, unknown>;
    let members = ctx.roster.list();
    const since = typeof q.since === 'string' ? intParam(q.since, -1) : undefined;
    if (since !== undefined) {
      // Differences: everyone whose membership changed after `since`, whatever their status now.
      members = members.filter((u) => ctx.roster.seqOf(u.id) > since);
    } else {
      members = members.filter((u) => u.status !== 'Deleted' && (ctx.mode() !== 'canvas' || u.status === 'Active'));
    }
    if (typeof q.role === 'string' && q.role) {
      const role = q.role;
      members = members.filter((u) => hasRole(u, role));
    }
    if (typeof q.rlid === 'string' && q.rlid) {
      const link = await ctx.db.selectFrom('dp_resource_links').select('members').where('id', '=', q.rlid).executeTakeFirst();
      if (!link) {
        res.status(404).json({ error: 'not_found', error_description: 'unknown resource link' });
        return;
      }
      if (link.members) {
        const allowed = new Set(JSON.parse(link.members) as string[]);
        members = members.filter((u) => allowed.has(u.id));
      }
    }
    const limit = Math.min(Math.max(intParam(q.limit, DEFAULT_LIMIT), 1), MAX_LIMIT);
    const offset = intParam(q.offset, 0);
    const page = members.slice(offset, offset + limit);
    const links: Array<{ url: string; rel: string }> = [];
    if (offset + limit < members.length) links.push({ url: selfUrl(ctx, req, { offset: String(offset + limit), limit: String(limit) }), rel: 'next' });
    links.push({ url: selfUrl(ctx, req, { since: String(ctx.roster.currentSeq()), offset: null }), rel: 'differences' });
    setLink(ctx, res, links);
    res.type(MEDIA_TYPE).send(
      JSON.stringify({
        id: selfUrl(ctx, req, {}),
        context: { id: ctx.courseId, label: ctx.course.label, title: ctx.course.title },
        members: page.map(presentMember),
      }),
    );
  });
  return router;
}
