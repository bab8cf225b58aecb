/**
 * Syncs a context's roster over NRPS: a full walk of every page the first time (members not listed are kept
 * and marked inactive), then the `differences` link for incremental syncs. Works with no live launch.
 *
 * @see https://www.imsglobal.org/spec/lti-nrps/v2p0#membership-differences
 */
import { LmsRejected } from '../domain/errors.js';
import type { Clock } from './ports.js';
import type { LtiServices, RosterRepo, ServiceContextRepo } from './servicePorts.js';
import { msg } from '../domain/message.js';

export interface SyncRosterDeps {
  contexts: ServiceContextRepo;
  roster: RosterRepo;
  lti: LtiServices;
  clock: Clock;
}

export interface SyncRosterInput {
  contextId: string;
  /** Resource-link scope (NRPS `rlid`); omitted = the whole course. */
  resourceLinkId?: string;
  /** Ignore the differences link and walk everything. */
  full?: boolean;
}

/** What a sync did. */
export interface RosterSyncReport {
  contextId: string;
  mode: 'full' | 'differences';
  members: number;
  pages: number;
}

/** Runs one roster sync. Throws LmsRejected('no_service') when the context never sent an NRPS claim. */
export async function syncRoster(deps: SyncRosterDeps, input: SyncRosterInput): Promise<RosterSyncReport> {
  const ctx = await deps.contexts.get(input.contextId);
  if (!ctx?.nrps?.contextMembershipsUrl) {
    throw new LmsRejected('no_service', undefined, 'This course has not shared its roster (no NRPS claim in its launches).', msg('errors.noRoster'));
  }
  const scope = input.resourceLinkId ?? '';
  const previous = input.full ? undefined : await deps.roster.state(input.contextId, scope);
  if (previous?.differencesUrl) {
    const diff = await deps.lti.listMembers(ctx.target, previous.differencesUrl);
    await deps.roster.applyDifferences(input.contextId, scope, diff.members, diff.differencesUrl ?? previous.differencesUrl, deps.clock.now());
    return { contextId: input.contextId, mode: 'differences', members: diff.members.length, pages: diff.pages };
  }
  const all = await deps.lti.listMembers(
    ctx.target,
    ctx.nrps.contextMembershipsUrl,
    input.resourceLinkId ? { resourceLinkId: input.resourceLinkId } : {},
  );
  await deps.roster.replace(input.contextId, scope, all.members, all.differencesUrl, deps.clock.now());
  return { contextId: input.contextId, mode: 'full', members: all.members.length, pages: all.pages };
}

/** Syncs when the roster is older than `maxAgeMs` (on an instructor launch); returns undefined when fresh. */
export async function refreshRosterIfStale(
  deps: SyncRosterDeps,
  input: SyncRosterInput & { maxAgeMs: number },
): Promise<RosterSyncReport | undefined> {
  const state = await deps.roster.state(input.contextId, input.resourceLinkId ?? '');
  if (state && deps.clock.now() - state.syncedAt < input.maxAgeMs) return undefined;
  return syncRoster(deps, input);
}
