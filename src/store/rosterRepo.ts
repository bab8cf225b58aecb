import type { Kysely } from 'kysely';
import type { RosterMember, RosterRepo } from '../services/servicePorts.js';
import type { Database } from './schema.js';

/** Rows per multi-row insert (keeps PostgreSQL under its 65,535 parameter limit and SQLite under its own). */
const CHUNK = 500;

const toRow = (contextId: string, scope: string, m: RosterMember, now: number) => ({
  context_id: contextId,
  scope,
  user_sub: m.userSub,
  name: m.name,
  given_name: m.givenName,
  family_name: m.familyName,
  email: m.email,
  roles: JSON.stringify(m.roles),
  role: m.role,
  status: m.status,
  updated_at: now,
});

async function upsert(db: Kysely<Database>, contextId: string, scope: string, members: RosterMember[], now: number) {
  // A member listed twice (differences) keeps its last entry.
  const unique = [...new Map(members.map((m) => [m.userSub, m])).values()];
  for (let i = 0; i < unique.length; i += CHUNK) {
    await db
      .insertInto('roster_members')
      .values(unique.slice(i, i + CHUNK).map((m) => toRow(contextId, scope, m, now)))
      .onConflict((oc) =>
        oc.columns(['context_id', 'scope', 'user_sub']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          given_name: eb.ref('excluded.given_name'),
          family_name: eb.ref('excluded.family_name'),
          email: eb.ref('excluded.email'),
          roles: eb.ref('excluded.roles'),
          role: eb.ref('excluded.role'),
          status: eb.ref('excluded.status'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

async function saveState(db: Kysely<Database>, contextId: string, scope: string, differencesUrl: string | null, now: number) {
  const count = await db
    .selectFrom('roster_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('context_id', '=', contextId)
    .where('scope', '=', scope)
    .executeTakeFirstOrThrow();
  const row = { differences_url: differencesUrl, member_count: Number(count.n), synced_at: now };
  await db
    .insertInto('roster_syncs')
    .values({ context_id: contextId, scope, ...row })
    .onConflict((oc) => oc.columns(['context_id', 'scope']).doUpdateSet(row))
    .execute();
}

/** The NRPS roster per context and scope. */
export function rosterRepo(db: Kysely<Database>): RosterRepo {
  return {
    state: async (contextId, scope) => {
      const r = await db
        .selectFrom('roster_syncs')
        .selectAll()
        .where('context_id', '=', contextId)
        .where('scope', '=', scope)
        .executeTakeFirst();
      return r
        ? { contextId, scope, differencesUrl: r.differences_url, memberCount: Number(r.member_count), syncedAt: Number(r.synced_at) }
        : undefined;
    },
    replace: async (contextId, scope, members, differencesUrl, now) => {
      await db.transaction().execute(async (tx) => {
        await upsert(tx, contextId, scope, members, now);
        // Members the LMS no longer lists are kept (their grades and history matter) and marked inactive.
        await tx
          .updateTable('roster_members')
          .set({ status: 'inactive', updated_at: now })
          .where('context_id', '=', contextId)
          .where('scope', '=', scope)
          .where('updated_at', '<', now)
          .where('status', '=', 'active')
          .execute();
        await saveState(tx, contextId, scope, differencesUrl, now);
      });
    },
    applyDifferences: async (contextId, scope, members, differencesUrl, now) => {
      await db.transaction().execute(async (tx) => {
        await upsert(tx, contextId, scope, members, now);
        await saveState(tx, contextId, scope, differencesUrl, now);
      });
    },
    list: async (contextId, scope) =>
      (
        await db
          .selectFrom('roster_members')
          .selectAll()
          .where('context_id', '=', contextId)
          .where('scope', '=', scope)
          .orderBy('family_name')
          .orderBy('given_name')
          .orderBy('user_sub')
          .execute()
      ).map((r) => ({
        userSub: r.user_sub,
        name: r.name,
        givenName: r.given_name,
        familyName: r.family_name,
        email: r.email,
        roles: JSON.parse(r.roles) as string[],
        role: r.role as RosterMember['role'],
        status: r.status as RosterMember['status'],
      })),
    stale: async (olderThan, limit) => {
      const rows = await db
        .selectFrom('contexts as c')
        .leftJoin('roster_syncs as s', (j) => j.onRef('s.context_id', '=', 'c.id').on('s.scope', '=', ''))
        .select('c.id')
        .where('c.nrps_json', 'is not', null)
        .where((eb) => eb.or([eb('s.synced_at', 'is', null), eb('s.synced_at', '<', olderThan)]))
        .orderBy('s.synced_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
