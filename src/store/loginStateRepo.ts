import { sql, type Kysely, type Selectable } from 'kysely';
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
  clientHash: r.client_hash,
  storageTarget: r.storage_target,
  relaunch: r.relaunch === null ? null : (JSON.parse(r.relaunch) as Record<string, string>),
});

/** The stored form of a state's optional parts (migration 0021). */
const extras = (s: LoginState) => ({ storageTarget: s.storageTarget ?? null, relaunch: s.relaunch ? JSON.stringify(s.relaunch) : null });

/** Login states: one INSERT at login, one UPDATE … RETURNING at launch (both compiled once: they run on every launch). */
export const loginStateRepo = (db: Kysely<Database>): LoginStateRepo => {
  // The open-state cap is part of the INSERT (ONE statement, so it holds across processes and adds no round trip):
  // the row goes in only while its address holds fewer than `cap` unconsumed, unexpired states. The count stops at
  // `cap` rows (LIMIT) and reads the partial index login_states_open_by_client_idx. Concurrent logins from one
  // address may pass together, so the cap can be exceeded by at most the number of connections.
  const insertCapped = prepare<Exclude<keyof LoginState, 'consumedAt'> | 'cap', never>(
    (p) => sql<never>`insert into "login_states"
      ("state", "nonce", "platform_id", "browser_hash", "target_link_uri", "created_at", "expires_at", "consumed_at", "client_hash", "storage_target", "relaunch")
      select ${p('state')}, ${p('nonce')}, ${p('platformId')}, ${p('browserHash')}, ${p('targetLinkUri')}, ${p('createdAt')}, ${p('expiresAt')}, null, ${p('clientHash')}, ${p('storageTarget')}, ${p('relaunch')}
      where (select count(*) from (select 1 from "login_states" where "client_hash" = ${p('clientHash')} and "consumed_at" is null
        and "expires_at" > ${p('createdAt')} limit ${p('cap')}) as "open") < ${p('cap')}`.compile(db),
  );
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
        client_hash: p('clientHash'),
        storage_target: p('storageTarget'),
        relaunch: p('relaunch'),
      })
      .compile(),
  );
  // The single atomic step that makes a state (and its nonce) usable once, at any later time.
  const consume = prepare<'state' | 'at', Selectable<LoginStatesTable>>((p) =>
    db.updateTable('login_states').set({ consumed_at: p('at') }).where('state', '=', p('state')).where('consumed_at', 'is', null).returningAll().compile(),
  );
  return {
    create: async (s, limit) => {
      if (limit && s.clientHash) {
        return Number((await insertCapped.run(db, { ...s, ...extras(s), clientHash: s.clientHash, cap: limit.openPerClient })).numAffectedRows ?? 0) === 1;
      }
      await insert.run(db, { ...s, ...extras(s), clientHash: s.clientHash ?? null });
      return true;
    },
    consume: async (state, at) => {
      const row = (await consume.run(db, { state, at })).rows[0];
      return row ? toLoginState(row) : undefined;
    },
    find: async (state) => {
      const row = await db.selectFrom('login_states').selectAll().where('state', '=', state).executeTakeFirst();
      return row ? toLoginState(row) : undefined;
    },
    deleteExpired: async ({ openBefore, consumedBefore }) => {
      const r = await db
        .deleteFrom('login_states')
        .where((eb) =>
          eb.or([eb('expires_at', '<', consumedBefore), eb.and([eb('expires_at', '<', openBefore), eb('consumed_at', 'is', null)])]),
        )
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
};
