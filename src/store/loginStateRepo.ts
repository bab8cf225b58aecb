import type { Kysely, Selectable } from 'kysely';
import type { LoginState, LoginStateRepo } from '../services/ports.js';
import { prepare } from './prepared.js';
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

/** Login states: one INSERT at login, one UPDATE … RETURNING at launch (both compiled once: they run on every launch). */
export const loginStateRepo = (db: Kysely<Database>): LoginStateRepo => {
  const insert = prepare<keyof LoginState, never>((p) =>
    db
      .insertInto('login_states')
      .values({
        state: p('state'),
        nonce: p('nonce'),
        platform_id: p('platformId'),
        browser_hash: p('browserHash'),
        target_link_uri: p('targetLinkUri'),
        created_at: p('createdAt'),
        expires_at: p('expiresAt'),
        consumed_at: null,
      })
      .compile(),
  );
  // The single atomic step that makes a state (and its nonce) usable once, at any later time.
  const consume = prepare<'state' | 'at', Selectable<LoginStatesTable>>((p) =>
    db.updateTable('login_states').set({ consumed_at: p('at') }).where('state', '=', p('state')).where('consumed_at', 'is', null).returningAll().compile(),
  );
  return {
    create: async (s) => {
      await insert.run(db, s);
    },
    consume: async (state, at) => {
      const row = (await consume.run(db, { state, at })).rows[0];
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
  };
};
