import { sql, type Kysely } from 'kysely';
import type { LaunchRecord, LaunchRepo, LaunchSession } from '../services/ports.js';
import type { Database } from './schema.js';
import type { Dialect } from './db.js';
import { prepare } from './prepared.js';
import { courseHasContentSql } from './courseRepo.js';

/** What the session row keeps of the launch (pages read it; the cookie carries only the id). */
interface SessionClaims {
  isInstructor: boolean;
  isLearner: boolean;
  messageType: string;
  resourceLink?: { id: string; title?: string; description?: string };
  targetLinkUri: string;
  extra: Record<string, unknown>;
}

/** The values of a launch record, by the names the prepared statements bind. */
const recordValues = (r: LaunchRecord) => {
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
    sessionId: r.sessionId,
    userId: r.userId,
    platformId: l.platformId,
    deploymentId: l.deploymentId,
    sub: l.user.sub,
    name: l.user.name ?? null,
    givenName: l.user.givenName ?? null,
    familyName: l.user.familyName ?? null,
    email: l.user.email ?? null,
    contextRowId: r.contextRowId,
    contextId: l.context?.id ?? null,
    label: l.context?.label ?? null,
    title: l.context?.title ?? null,
    agsJson: l.ags ? JSON.stringify(l.ags) : null,
    nrpsJson: l.nrps ? JSON.stringify(l.nrps) : null,
    courseLanguage: r.courseLanguage,
    roles: JSON.stringify(l.roles),
    claims: JSON.stringify(claims),
    at: r.at,
    expiresAt: r.expiresAt,
  };
};
type RecordParam = keyof ReturnType<typeof recordValues>;
type Recorded = { user_id: string; context_id: string | null; has_content?: boolean | number };

/**
 * PostgreSQL: the whole launch as ONE statement, a data-modifying CTE upserting user, context (when the launch has
 * one) and enrollment and inserting the session.
 */
const pgRecordStatement = (db: Kysely<Database>, withContext: boolean) =>
  prepare<RecordParam, Recorded>((p) => {
    const userCte = sql`insert into users (id, platform_id, sub, name, given_name, family_name, email, updated_at)
        values (${p('userId')}, ${p('platformId')}, ${p('sub')}, ${p('name')}, ${p('givenName')}, ${p('familyName')}, ${p('email')}, ${p('at')})
        on conflict (platform_id, sub) do update set name = excluded.name, given_name = excluded.given_name,
          family_name = excluded.family_name, email = excluded.email, updated_at = excluded.updated_at
        returning id`;
    const session = (contextExpr: ReturnType<typeof sql>, from: ReturnType<typeof sql>) =>
      sql`insert into launch_sessions (id, user_id, context_id, platform_id, deployment_id, roles, claims, created_at, expires_at)
          select ${p('sessionId')}, u.id, ${contextExpr}, ${p('platformId')}, ${p('deploymentId')}, ${p('roles')}, ${p('claims')}, ${p('at')}, ${p('expiresAt')}
          from ${from}
          returning user_id, context_id${withContext ? sql`, ${courseHasContentSql(sql.ref('launch_sessions.context_id'))} as has_content` : sql``}`;
    if (!withContext) return sql<Recorded>`with u as (${userCte}) ${session(sql`null`, sql`u`)}`.compile(db);
    return sql<Recorded>`with u as (${userCte}),
          c as (insert into contexts (id, platform_id, context_id, label, title, ags_json, nrps_json, language, updated_at)
            values (${p('contextRowId')}, ${p('platformId')}, ${p('contextId')}, ${p('label')}, ${p('title')}, ${p('agsJson')}, ${p('nrpsJson')}, ${p('courseLanguage')}, ${p('at')})
            on conflict (platform_id, context_id) do update set label = excluded.label, title = excluded.title,
              ags_json = coalesce(excluded.ags_json, contexts.ags_json), nrps_json = coalesce(excluded.nrps_json, contexts.nrps_json),
              language = coalesce(contexts.language, excluded.language), updated_at = excluded.updated_at
            returning id),
          e as (insert into enrollments (user_id, context_id, roles, last_launch_at)
            select u.id, c.id, ${p('roles')}, ${p('at')} from u, c
            on conflict (user_id, context_id) do update set roles = excluded.roles, last_launch_at = excluded.last_launch_at)
          ${session(sql`c.id`, sql`u, c`)}`.compile(db);
  });

/** SQLite: the same writes as four statements in one short transaction (no data-modifying CTEs there). */
const sqliteRecordStatements = (db: Kysely<Database>) => ({
  user: prepare<RecordParam, { id: string }>((p) =>
    db
      .insertInto('users')
      .values({
        id: p('userId'),
        platform_id: p('platformId'),
        sub: p('sub'),
        name: p('name'),
        given_name: p('givenName'),
        family_name: p('familyName'),
        email: p('email'),
        updated_at: p('at'),
      })
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
      .compile(),
  ),
  context: prepare<RecordParam, { id: string }>((p) =>
    db
      .insertInto('contexts')
      .values({
        id: p('contextRowId'),
        platform_id: p('platformId'),
        context_id: p('contextId'),
        label: p('label'),
        title: p('title'),
        ags_json: p('agsJson'),
        nrps_json: p('nrpsJson'),
        language: p('courseLanguage'),
        updated_at: p('at'),
      })
      .onConflict((oc) =>
        oc.columns(['platform_id', 'context_id']).doUpdateSet((eb) => ({
          label: eb.ref('excluded.label'),
          title: eb.ref('excluded.title'),
          ags_json: sql<string | null>`coalesce(excluded.ags_json, contexts.ags_json)`,
          nrps_json: sql<string | null>`coalesce(excluded.nrps_json, contexts.nrps_json)`,
          language: sql<string | null>`coalesce(contexts.language, excluded.language)`,
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .returning('id')
      .compile(),
  ),
  enrollment: prepare<RecordParam | 'userRowId' | 'contextRowIdStored', never>((p) =>
    db
      .insertInto('enrollments')
      .values({ user_id: p('userRowId'), context_id: p('contextRowIdStored'), roles: p('roles'), last_launch_at: p('at') })
      .onConflict((oc) =>
        oc.columns(['user_id', 'context_id']).doUpdateSet((eb) => ({
          roles: eb.ref('excluded.roles'),
          last_launch_at: eb.ref('excluded.last_launch_at'),
        })),
      )
      .compile(),
  ),
  hasContent: prepare<'contextRowIdStored', { has: boolean | number }>((p) => db.selectNoFrom(courseHasContentSql(p('contextRowIdStored')).as('has')).compile()),
  session: prepare<RecordParam | 'userRowId' | 'contextRowIdStored', never>((p) =>
    db
      .insertInto('launch_sessions')
      .values({
        id: p('sessionId'),
        user_id: p('userRowId'),
        context_id: p('contextRowIdStored'),
        platform_id: p('platformId'),
        deployment_id: p('deploymentId'),
        roles: p('roles'),
        claims: p('claims'),
        created_at: p('at'),
        expires_at: p('expiresAt'),
      })
      .compile(),
  ),
});

/** A row of the session read (see findSessionStatement). */
interface SessionRow {
  id: string;
  user_id: string;
  platform_id: string;
  deployment_id: string;
  context_id: string | null;
  roles: string;
  claims: string;
  created_at: number;
  expires_at: number;
  time_zone: string | null;
  sub: string;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  lti_context_id: string | null;
  label: string | null;
  title: string | null;
  has_content: boolean | number;
}

/**
 * The session read on every page: session, user and course in one SELECT, and whether the course has content (the
 * first page after a launch then needs no statement of its own to choose between the course and its set-up).
 */
const findSessionStatement = (db: Kysely<Database>) =>
  prepare<'id' | 'at', SessionRow>((p) =>
    db
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
        's.time_zone',
        'u.sub',
        'u.name',
        'u.given_name',
        'u.family_name',
        'u.email',
        'c.context_id as lti_context_id',
        'c.label',
        'c.title',
      ])
      .select(courseHasContentSql(sql.ref('s.context_id')).as('has_content'))
      .where('s.id', '=', p('id'))
      .where('s.expires_at', '>', p('at'))
      .compile(),
  );

/**
 * Whether session `id` is still stored ('live'), gone with its person still there ('gone', e.g. expired and purged) or
 * gone with its person ('erased'), in one statement; run on `db` (or a transaction of it).
 */
export function sessionStateOf(db: Kysely<Database>) {
  const statement = prepare<'id' | 'userId', { session: number | string; person: number | string }>((p) =>
    sql<{ session: number | string; person: number | string }>`select
      (select count(*) from launch_sessions where id = ${p('id')}) as session,
      (select count(*) from users where id = ${p('userId')}) as person`.compile(db),
  );
  return async (on: Kysely<Database>, id: string, userId: string): Promise<'live' | 'gone' | 'erased'> => {
    const row = (await statement.run(on, { id, userId })).rows[0];
    return Number(row?.session ?? 0) > 0 ? 'live' : Number(row?.person ?? 0) > 0 ? 'gone' : 'erased';
  };
}

/**
 * Launch storage. On PostgreSQL `record` is ONE statement (a data-modifying CTE upserting user, context and
 * enrollment and inserting the session), so a complete launch stays within the statement budget; on SQLite it
 * is a short transaction (SQLite has no data-modifying CTEs, and an embedded round trip costs microseconds).
 * The statements of the launch path are compiled once, here, for this database's dialect.
 */
export const launchRepo = (db: Kysely<Database>, dialect: Dialect): LaunchRepo => {
  const pg = dialect === 'postgres' ? { withContext: pgRecordStatement(db, true), noContext: pgRecordStatement(db, false) } : undefined;
  const lite = dialect === 'postgres' ? undefined : sqliteRecordStatements(db);
  const findSession = findSessionStatement(db);
  const sessionStateStatement = sessionStateOf(db);
  return {
    record: async (r) => {
      const v = recordValues(r);
      const hasContext = Boolean(r.launch.context);
      if (pg) {
        const row = (await (hasContext ? pg.withContext : pg.noContext).run(db, v)).rows[0];
        if (!row) throw new Error('launch was not recorded');
        return { sessionId: r.sessionId, userId: row.user_id, contextId: hasContext ? row.context_id : null, courseHasContent: Boolean(row.has_content) };
      }
      const stmts = lite as ReturnType<typeof sqliteRecordStatements>;
      return db.transaction().execute(async (tx) => {
        const user = (await stmts.user.run(tx, v)).rows[0];
        if (!user) throw new Error('launch was not recorded');
        let contextId: string | null = null;
        if (hasContext) {
          const ctx = (await stmts.context.run(tx, v)).rows[0];
          if (!ctx) throw new Error('launch was not recorded');
          contextId = ctx.id;
          await stmts.enrollment.run(tx, { ...v, userRowId: user.id, contextRowIdStored: ctx.id });
        }
        await stmts.session.run(tx, { ...v, userRowId: user.id, contextRowIdStored: contextId });
        const courseHasContent = contextId !== null && Boolean((await stmts.hasContent.run(tx, { contextRowIdStored: contextId })).rows[0]?.has);
        return { sessionId: r.sessionId, userId: user.id, contextId, courseHasContent };
      });
    },

    sessionState: (id, userId) => sessionStateStatement(db, id, userId),
    findSession: async (id, at) => {
      const row = (await findSession.run(db, { id, at })).rows[0];
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
        timeZone: row.time_zone,
        courseHasContent: row.context_id !== null && Boolean(row.has_content),
      };
      return session;
    },

    setTimeZone: async (id, zone) => {
      await db.updateTable('launch_sessions').set({ time_zone: zone }).where('id', '=', id).execute();
    },

    deleteExpiredSessions: async (at) => {
      const r = await db.deleteFrom('launch_sessions').where('expires_at', '<=', at).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
};
