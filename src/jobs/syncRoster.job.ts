import { z } from 'zod';
import type { RosterSyncReport } from '../services/syncRoster.js';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/compose.ts). */
export interface SyncRosterServices {
  syncRoster(input: { contextId: string; resourceLinkId?: string; full?: boolean }): Promise<RosterSyncReport>;
  staleRosters(limit: number): Promise<string[]>;
}

/** Syncs one context's roster over NRPS. Idempotent: a sync replaces or patches to what the LMS says. */
export const syncRosterJob = defineJob({
  name: 'sync-roster',
  payload: z.object({ contextId: z.string().min(1), resourceLinkId: z.string().optional(), full: z.boolean().optional() }),
  key: (p) => `sync-roster:${p.contextId}:${p.resourceLinkId ?? ''}`,
  perform: (services: SyncRosterServices, p) => services.syncRoster(p),
});
