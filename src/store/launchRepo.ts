import { sql, type Kysely } from 'kysely';
import type { LaunchRecord, LaunchRepo, LaunchSession } from '../services/ports.js';
import type { Database } from './schema.js';
import type { Dialect } from './db.js';

/** What the session row keeps of the launch (pages read it; the cookie carries only the id). */
interface SessionClaims {
  isInstructor: boolean;
  isLearner: boolean;
  messageType: string;
  resourceLink?: { id: string; title?: string; description?: string };
  targetLinkUri: string;
  extra: Record<string, unknown>;
}

const values = (r: LaunchRecord) => {
  const l = r.launch;
  const claims: SessionClaims = {
    isInstructor: l.isInstructor,
    isLearner: l.isLearner,
    messageType: l.messageType,
    ...(l.resourceLink ? { resourceLink: l.resourceLink } : {}),
    targetLinkUri: l.targetLinkUri,
    extra: l.extra,
  };
  return {
    user: {
      id: r.userId,
      platform_id: l.platformId,
      sub: l.user.sub,
      name: l.user.name ?? null,
      given_name: l.user.givenName ?? null,
      family_name: l.user.familyName ?? null,
      email: l.user.email ?? null,
      updated_at: r.at,
    },
    context: l.context
      ? {
          id: r.contextRowId,
          platform_id: l.platformId,
          context_id: l.context.id,
          label: l.context.label ?? null,
          title: l.context.title ?? null,
          ags_json: l.ags ? JSON.stringify(l.ags) : null,
          nrps_json: l.nrps ? JSON.stringify(l.nrps) : null,
          updated_at: r.at,
        }
      : undefined,
    roles: JSON.stringify(l.roles),
    claims: JSON.stringify(claims),
  };
};

/**
 * Launch storage. On PostgreSQL `record` is ONE statement (a data-modifying CTE upserting user, context and
 * enrollment and inserting the session), so a complete launch stays within the statement budget; on SQLite it
 * is a short transaction (SQLite has no data-modifying CTEs, and an embedded round trip costs microseconds).
 */
export const launchRepo = (db: Kysely<Database>, dialect: Dialect): LaunchRepo => ({
  record: async (r) => {
    const v = values(r);
    const l = r.launch;
    if (dialect === 'postgres') {
      const u = v.user;
      const userCte = sql`insert into users (id, platform_id, sub, name, given_name, family_name, email, updated_at)
        values (${u.id}, ${u.platform_id}, ${u.sub}, ${u.name}, ${u.given_name}, ${u.family_name}, ${u.email}, ${u.updated_at})
        on conflict (platform_id, sub) do update set name = excluded.name, given_name = excluded.given_name,
          family_name = excluded.family_name, email = excluded.email, updated_at = excluded.updated_at
        returning id`;
      const session = (contextExpr: ReturnType<typeof sql>, from: ReturnType<typeof sql>) =>
        sql`insert into launch_sessions (id, user_id, context_id, platform_id, deployment_id, roles, claims, created_at, expires_at)
          select ${r.sessionId}, u.id, ${contextExpr}, ${l.platformId}, ${l.deploymentId}, ${v.roles}, ${v.claims}, ${r.at}, ${r.expiresAt}
          from ${from}
          returning user_id, context_id`;
      if (v.context) {
        const c = v.context;
        const res = await sql<{ user_id: string; context_id: string | null }>`with u as (${userCte}),
          c as (insert into contexts (id, platform_id, context_id, label, title, ags_json, nrps_json, updated_at)
            values (${c.id}, ${c.platform_id}, ${c.context_id}, ${c.label}, ${c.title}, ${c.ags_json}, ${c.nrps_json}, ${c.updated_at})
            on conflict (platform_id, context_id) do update set label = excluded.label, title = excluded.title,
              ags_json = coalesce(excluded.ags_json, contexts.ags_json), nrps_json = coalesce(excluded.nrps_json, contexts.nrps_json),
              updated_at = excluded.updated_at
            returning id),
          e as (insert into enrollments (user_id, context_id, roles, last_launch_at)
            select u.id, c.id, ${v.roles}, ${r.at} from u, c
            on conflict (user_id, context_id) do update set roles = excluded.roles, last_launch_at = excluded.last_launch_at)
          ${session(sql`c.id`, sql`u, c`)}`.execute(db);
        const row = res.rows[0];
        if (!row) throw new Error('launch was not recorded');
        return { sessionId: r.sessionId, userId: row.user_id, contextId: row.context_id };
      }
      const res = await sql<{ user_id: string; context_id: string | null }>`with u as (${userCte}) ${session(sql`null`, sql`u`)}`.execute(db);
      const row = res.rows[0];
      if (!row) throw new Error('launch was not recorded');
      return { sessionId: r.sessionId, userId: row.user_id, contextId: null };
    }
    return db.transaction().execute(async (tx) => {
      const user = await tx
        .insertInto('users')
        .values(v.user)
        .onConflict((oc) =>
          oc.columns(['platform_id', 'sub']).doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            given_name: eb.ref('excluded.given_name'),
            family_name: eb.ref('excluded.family_name'),
            email: eb.ref('excluded.email'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      let contextId: string | null = null;
      if (v.context) {
        const ctx = await tx
          .insertInto('contexts')
          .values(v.context)
          .onConflict((oc) =>
            oc.columns(['platform_id', 'context_id']).doUpdateSet((eb) => ({
              label: eb.ref('excluded.label'),
              title: eb.ref('excluded.title'),
              ags_json: sql<string | null>`coalesce(excluded.ags_json, contexts.ags_json)`,
              nrps_json: sql<string | null>`coalesce(excluded.nrps_json, contexts.nrps_json)`,
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .returning('id')
          .executeTakeFirstOrThrow();
        contextId = ctx.id;
        await tx
          .insertInto('enrollments')
          .values({ user_id: user.id, context_id: ctx.id, roles: v.roles, last_launch_at: r.at })
          .onConflict((oc) =>
            oc.columns(['user_id', 'context_id']).doUpdateSet((eb) => ({
              roles: eb.ref('excluded.roles'),
              last_launch_at: eb.ref('excluded.last_launch_at'),
            })),
          )
          .execute();
      }
      await tx
        .insertInto('launch_sessions')
        .values({
          id: r.sessionId,
          user_id: user.id,
          context_id: contextId,
          platform_id: l.platformId,
          deployment_id: l.deploymentId,
          roles: v.roles,
          claims: v.claims,
          created_at: r.at,
          expires_at: r.expiresAt,
        })
        .execute();
      return { sessionId: r.sessionId, userId: user.id, contextId };
    });
  },

  findSession: async (id, at) => {
    const row = await db
      .selectFrom('launch_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('contexts as c', 'c.id', 's.context_id')
      .select([
        's.id',
        's.user_id',
        's.platform_id',
        's.deployment_id',
        's.context_id',
        's.roles',
        's.claims',
        's.created_at',
        's.expires_at',
        'u.sub',
        'u.name',
        'u.given_name',
        'u.family_name',
        'u.email',
        'c.context_id as lti_context_id',
        'c.label',
        'c.title',
      ])
      .where('s.id', '=', id)
      .where('s.expires_at', '>', at)
      .executeTakeFirst();
    if (!row) return undefined;
    const claims = JSON.parse(row.claims) as SessionClaims;
    const session: LaunchSession = {
      id: row.id,
      userId: row.user_id,
      platformId: row.platform_id,
      deploymentId: row.deployment_id,
      contextId: row.context_id,
      user: { sub: row.sub, name: row.name, givenName: row.given_name, familyName: row.family_name, email: row.email },
      context: row.lti_context_id ? { contextId: row.lti_context_id, label: row.label, title: row.title } : null,
      roles: JSON.parse(row.roles) as string[],
      isInstructor: claims.isInstructor,
      isLearner: claims.isLearner,
      claims: { messageType: claims.messageType, resourceLink: claims.resourceLink, targetLinkUri: claims.targetLinkUri, ...claims.extra },
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
    };
    return session;
  },

  deleteExpiredSessions: async (at) => {
    const r = await db.deleteFrom('launch_sessions').where('expires_at', '<=', at).executeTakeFirst();
    return Number(r.numDeletedRows);
  },
});
