import type { Kysely, Selectable } from 'kysely';
import type { LoginState, LoginStateRepo } from '../services/ports.js';
import type { Database } from './schema.js';
import type { LoginStatesTable } from './tables/foundation.js';

const toLoginState = (r: Selectable<LoginStatesTable>): LoginState => ({
  state: r.state,
  nonce: r.nonce,
  platformId: r.platform_id,
  browserHash: r.browser_hash,
  targetLinkUri: r.target_link_uri,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  consumedAt: r.consumed_at === null ? null : Number(r.consumed_at),
});

/** Login states: one INSERT at login, one UPDATE … RETURNING at launch. */
export const loginStateRepo = (db: Kysely<Database>): LoginStateRepo => ({
  create: async (s) => {
    await db
      .insertInto('login_states')
      .values({
        state: s.state,
        nonce: s.nonce,
        platform_id: s.platformId,
        browser_hash: s.browserHash,
        target_link_uri: s.targetLinkUri,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
        consumed_at: null,
      })
      .execute();
  },
  consume: async (state, at) => {
    // The single atomic step that makes a state (and its nonce) usable once, at any later time.
    const row = await db
      .updateTable('login_states')
      .set({ consumed_at: at })
      .where('state', '=', state)
      .where('consumed_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    return row ? toLoginState(row) : undefined;
  },
  find: async (state) => {
    const row = await db.selectFrom('login_states').selectAll().where('state', '=', state).executeTakeFirst();
    return row ? toLoginState(row) : undefined;
  },
  deleteExpired: async (before) => {
    const r = await db.deleteFrom('login_states').where('expires_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
});
