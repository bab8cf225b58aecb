import type { Kysely } from 'kysely';
import type { DeepLinkingRequests } from '../services/deepLinkingPorts.js';
import type { Database } from './schema.js';

/** Deep-linking requests: one launch session each, answered at most once (same code on PostgreSQL and SQLite). */
export const deepLinkingRequests = (db: Kysely<Database>): DeepLinkingRequests => ({
  markReturned: async (sessionId, at) => {
    const r = await db
      .updateTable('launch_sessions')
      .set({ deep_link_returned_at: at })
      .where('id', '=', sessionId)
      .where('deep_link_returned_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
});
