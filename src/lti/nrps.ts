/**
 * Names and Role Provisioning Services 2.0 over the service client: every page (`rel="next"`), the
 * `rel="differences"` link for the next incremental sync, role mapping and member status.
 *
 * @see https://www.imsglobal.org/spec/lti-nrps/v2p0
 */
import { z } from 'zod';
import { LmsRejected } from '../domain/errors.js';
import type { MembershipResult, RosterMember, RosterRole, ServiceTarget } from '../services/servicePorts.js';
import type { ServiceClient } from './serviceClient.js';

/** NRPS scope. */
export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
const MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
/** Guard against a platform that links pages in a loop. */
const MAX_PAGES = 10_000;

const MemberSchema = z.object({
  user_id: z.string().or(z.number().transform(String)),
  status: z.string().optional(),
  name: z.string().nullish(),
  given_name: z.string().nullish(),
  family_name: z.string().nullish(),
  email: z.string().nullish(),
  roles: z.array(z.string()).default([]),
});
const ContainerSchema = z.object({ members: z.array(z.unknown()).default([]) });

/**
 * Maps LIS role URIs (or short names) to our roster role. A TA (`Instructor#TeachingAssistant`) is not an instructor.
 */
export function mapRole(roles: readonly string[]): RosterRole {
  const short = roles.map((r) => r.replace(/^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/membership/, ''));
  if (short.some((r) => /(^|\/)Instructor#TeachingAssistant$|^TeachingAssistant$/.test(r))) return 'teaching_assistant';
  if (short.some((r) => r === '#Instructor' || r === 'Instructor')) return 'instructor';
  if (short.some((r) => r === '#Learner' || r === 'Learner' || r.startsWith('/Learner#'))) return 'learner';
  if (short.some((r) => r === '#ContentDeveloper' || r === '#Administrator' || r === '#Mentor')) return 'other';
  return 'other';
}

const toStatus = (s: string | undefined): RosterMember['status'] =>
  s === 'Inactive' ? 'inactive' : s === 'Deleted' ? 'deleted' : 'active';

/** Adds `rlid` (resource-link scope) to a memberships URL, keeping its query string. */
export function withResourceLink(url: string, resourceLinkId: string | undefined): string {
  if (!resourceLinkId) return url;
  const u = new URL(url);
  u.searchParams.set('rlid', resourceLinkId);
  return u.toString();
}

/** Reads every page of a memberships (or differences) URL. Members with malformed entries are skipped. */
export async function listMembers(
  client: ServiceClient,
  target: ServiceTarget,
  url: string,
  opts: { resourceLinkId?: string } = {},
): Promise<MembershipResult> {
  const members: RosterMember[] = [];
  let next: string | undefined = withResourceLink(url, opts.resourceLinkId);
  let differencesUrl: string | null = null;
  let pages = 0;
  const seen = new Set<string>();
  while (next) {
    if (seen.has(next) || pages >= MAX_PAGES) break;
    seen.add(next);
    const res = await client.request(target, { url: next, scopes: [NRPS_SCOPE], accept: MEDIA_TYPE });
    pages++;
    const container = ContainerSchema.safeParse(res.json);
    if (!container.success) throw new LmsRejected('invalid_request', res.status, 'The LMS answered the roster request with something that is not a membership container.');
    for (const raw of container.data.members) {
      const m = MemberSchema.safeParse(raw);
      if (!m.success) continue;
      members.push({
        userSub: m.data.user_id,
        name: m.data.name ?? null,
        givenName: m.data.given_name ?? null,
        familyName: m.data.family_name ?? null,
        email: m.data.email ?? null,
        roles: m.data.roles,
        role: mapRole(m.data.roles),
        status: toStatus(m.data.status),
      });
    }
    if (res.links.differences) differencesUrl = res.links.differences;
    next = res.links.next;
  }
  return { members, differencesUrl, pages };
}
