/**
 * Storage of privacy and operations (docs/decisions/0019-privacy-audit-erasure.md): the append-only audit log, a
 * person's export and erasure, and the retention purge's queries. One code path for both dialects.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { decodeMessage } from '../domain/message.js';
import type {
  AuditAction,
  AuditActor,
  AuditDetails,
  AuditLog,
  AuditReader,
  AuditRecord,
  CourseRecord,
  ErasureCounts,
  InactiveCourse,
  PersonMatch,
  PrivacyStore,
} from '../services/privacyPorts.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

const parseJson = <T>(text: string | null, fallback: T): T => {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/** An answer as the student gave it: stored as JSON (a text, or the choices picked), shown as text. */
const answerText = (stored: string | null): string | null => {
  if (stored === null) return null;
  const v = parseJson<unknown>(stored, stored);
  return typeof v === 'string' ? v : Array.isArray(v) ? v.map(String).join(', ') : stored;
};

/** The ref naming `userId` in `contextId`'s audit rows ('' outside a course), created on first use; null for an unknown user. */
async function refOf(db: Db, userId: string, contextId: string): Promise<string | null> {
  await db
    .insertInto('audit_people')
    .columns(['ref', 'user_id', 'context_id'])
    .expression(db.selectFrom('users').select([sql.lit(randomUUID()).as('ref'), 'id', sql.lit(contextId).as('context_id')]).where('id', '=', userId))
    .onConflict((oc) => oc.columns(['user_id', 'context_id']).doNothing())
    .execute();
  const row = await db.selectFrom('audit_people').select('ref').where('user_id', '=', userId).where('context_id', '=', contextId).executeTakeFirst();
  return row?.ref ?? null;
}

/** The audit log: INSERT and SELECT only (a trigger refuses UPDATE and DELETE on both dialects). */
export const auditRepo = (db: Kysely<Database>): AuditLog & AuditReader => ({
  record: async (e, at) => {
    const scope = e.contextId ?? '';
    const actorRef = e.actor.kind === 'instructor' ? await refOf(db, e.actor.userId, scope) : null;
    const subjectRef = e.subjectUserId ? await refOf(db, e.subjectUserId, scope) : null;
    await db
      .insertInto('audit_log')
      .values({
        at,
        actor_kind: e.actor.kind,
        actor_ref: actorRef,
        context_id: e.contextId ?? null,
        action: e.action,
        subject_ref: subjectRef,
        details: JSON.stringify(e.details ?? {}),
      })
      .execute();
  },
  list: async (q) => {
    let query = db
      .selectFrom('audit_log as a')
      .leftJoin('audit_people as ap', 'ap.ref', 'a.actor_ref')
      .leftJoin('users as au', 'au.id', 'ap.user_id')
      .leftJoin('audit_people as sp', 'sp.ref', 'a.subject_ref')
      .leftJoin('users as su', 'su.id', 'sp.user_id')
      .leftJoin('contexts as c', 'c.id', 'a.context_id')
      .select([
        'a.id',
        'a.at',
        'a.action',
        'a.actor_kind',
        'a.context_id',
        'a.subject_ref',
        'a.details',
        'au.name as actor_name',
        'su.id as subject_id',
        'su.name as subject_name',
        'c.title as context_title',
      ])
      .orderBy('a.id', 'desc')
      .limit(q.limit);
    if (q.contextId) query = query.where('a.context_id', '=', q.contextId);
    if (q.beforeId) query = query.where('a.id', '<', q.beforeId);
    const rows = await query.execute();
    return rows.map(
      (r): AuditRecord => ({
        id: Number(r.id),
        at: Number(r.at),
        action: r.action as AuditAction,
        actorKind: r.actor_kind as AuditActor['kind'],
        actorName: r.actor_name ?? null,
        contextId: r.context_id,
        contextTitle: r.context_title ?? null,
        subjectUserId: r.subject_id ?? null,
        subjectName: r.subject_id ? (r.subject_name ?? '') : null,
        subjectErased: r.subject_ref !== null && !r.subject_id,
        details: parseJson<AuditDetails>(r.details, {}),
      }),
    );
  },
});

/** Tables that hold a person's rows by users.id and contexts.id, in deletion order (children first). */
const BY_USER = [
  'explanations',
  'learner_objectives',
  'learners',
  'accommodations',
  'responses',
  'grade_objective_states',
  'grade_outbox',
  'enrollments',
  'launch_sessions',
  'audit_people',
  'instructor_alert_marks',
  'student_goals',
  'check_confidence',
] as const;
/** Tables that hold a person's rows by LMS user id (sub) and contexts.id. */
const BY_SUB = ['roster_members', 'lms_evidence_seen'] as const;

/** Courses where a person has any row. */
async function contextsOfPerson(db: Db, userId: string, platformId: string, sub: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const t of BY_USER) {
    if (t === 'audit_people') continue;
    const rows = await db.selectFrom(t).select('context_id').distinct().where('user_id', '=', userId).execute();
    for (const r of rows) if (r.context_id) ids.add(r.context_id);
  }
  const platformContexts = db.selectFrom('contexts').select('id').where('platform_id', '=', platformId);
  for (const t of BY_SUB) {
    const rows = await db.selectFrom(t).select('context_id').distinct().where('user_sub', '=', sub).where('context_id', 'in', platformContexts).execute();
    for (const r of rows) ids.add(r.context_id);
  }
  return [...ids].sort();
}

async function courseRecord(db: Kysely<Database>, userId: string, sub: string, contextId: string): Promise<CourseRecord> {
  const ctx = await db.selectFrom('contexts').select(['context_id', 'title']).where('id', '=', contextId).executeTakeFirst();
  const enr = await db.selectFrom('enrollments').select(['roles', 'last_launch_at']).where('user_id', '=', userId).where('context_id', '=', contextId).executeTakeFirst();
  const acc = await db.selectFrom('accommodations').selectAll().where('user_id', '=', userId).where('context_id', '=', contextId).executeTakeFirst();
  const mastery = await db
    .selectFrom('learner_objectives as l')
    .leftJoin('objectives as o', 'o.id', 'l.objective_id')
    .select(['l.objective_id', 'o.title', 'l.state', 'l.p', 'l.responses', 'l.cycles', 'l.updated_at'])
    .where('l.user_id', '=', userId)
    .where('l.context_id', '=', contextId)
    .orderBy('o.position')
    .execute();
  const history = await db
    .selectFrom('explanations as e')
    .leftJoin('objectives as o', 'o.id', 'e.objective_id')
    .select(['e.at', 'e.objective_id', 'o.title', 'e.from_state', 'e.to_state', 'e.rule', 'e.message'])
    .where('e.user_id', '=', userId)
    .where('e.context_id', '=', contextId)
    .orderBy('e.id')
    .execute();
  const responses = await db
    .selectFrom('responses as r')
    .leftJoin('objectives as o', 'o.id', 'r.objective_id')
    .leftJoin('items as i', 'i.id', 'r.item_id')
    .select(['r.occurred_at', 'r.type', 'r.objective_id', 'o.title', 'r.item_id', 'i.prompt', 'r.answer', 'r.correct', 'r.phase'])
    .where('r.user_id', '=', userId)
    .where('r.context_id', '=', contextId)
    .orderBy('r.id')
    .execute();
  const grades = await db
    .selectFrom('grade_outbox as g')
    .leftJoin('grade_line_items as li', (j) => j.onRef('li.context_id', '=', 'g.context_id').onRef('li.item_key', '=', 'g.item_key'))
    .select(['g.item_key', 'li.label', 'g.score_given', 'g.score_maximum', 'g.status', 'g.sent_score', 'g.sent_at', 'g.event_at', 'g.comment'])
    .where('g.user_id', '=', userId)
    .where('g.context_id', '=', contextId)
    .orderBy('g.id')
    .execute();
  const goal = await db
    .selectFrom('student_goals as g')
    .leftJoin('objectives as o', 'o.id', 'g.objective_id')
    .select(['g.objective_id', 'o.title', 'g.target_date', 'g.set_at'])
    .where('g.user_id', '=', userId)
    .where('g.context_id', '=', contextId)
    .executeTakeFirst();
  const confidence = await db
    .selectFrom('check_confidence as c')
    .leftJoin('objectives as o', 'o.id', 'c.objective_id')
    .select(['c.objective_id', 'o.title', 'c.check_started_at', 'c.confidence', 'c.said_at'])
    .where('c.user_id', '=', userId)
    .where('c.context_id', '=', contextId)
    .orderBy('c.said_at')
    .execute();
  const roster = await db
    .selectFrom('roster_members')
    .select(['scope', 'status', 'role', 'name', 'email'])
    .where('user_sub', '=', sub)
    .where('context_id', '=', contextId)
    .execute();
  return {
    contextId,
    lmsContextId: ctx?.context_id ?? '',
    title: ctx?.title ?? null,
    roles: parseJson<string[]>(enr?.roles ?? null, []),
    lastLaunchAt: enr ? Number(enr.last_launch_at) : null,
    accommodations: acc
      ? { thresholdOffset: acc.threshold_offset, extraCycles: acc.extra_cycles, extraOpportunities: acc.extra_opportunities, timeMultiplier: acc.time_multiplier, updatedAt: Number(acc.updated_at) }
      : null,
    mastery: mastery.map((m) => ({
      objectiveId: m.objective_id,
      objective: m.title ?? m.objective_id,
      state: m.state,
      p: m.p,
      responses: m.responses,
      cycles: m.cycles,
      updatedAt: Number(m.updated_at),
    })),
    masteryHistory: history.map((h) => ({
      at: Number(h.at),
      objectiveId: h.objective_id,
      objective: h.title ?? h.objective_id,
      from: h.from_state,
      to: h.to_state,
      rule: h.rule,
      message: decodeMessage(h.message),
    })),
    responses: responses.map((r) => ({
      at: Number(r.occurred_at),
      type: r.type,
      objectiveId: r.objective_id,
      objective: r.title ?? null,
      itemId: r.item_id,
      item: r.prompt ?? null,
      answer: answerText(r.answer),
      correct: r.correct === null ? null : r.correct === 1,
      phase: r.phase,
    })),
    grades: grades.map((g) => ({
      lineItem: g.label ?? g.item_key,
      scoreGiven: g.score_given,
      scoreMaximum: g.score_maximum,
      status: g.status,
      sentScore: g.sent_score,
      sentAt: g.sent_at === null ? null : Number(g.sent_at),
      eventAt: Number(g.event_at),
      comment: g.comment,
    })),
    roster: roster.map((r) => ({ scope: r.scope, status: r.status, role: r.role, name: r.name, email: r.email })),
    goal: goal ? { objectiveId: goal.objective_id, objective: goal.title ?? goal.objective_id, targetDate: goal.target_date, setAt: Number(goal.set_at) } : null,
    checkConfidence: confidence.map((c) => ({ objectiveId: c.objective_id, objective: c.title ?? c.objective_id, checkStartedAt: Number(c.check_started_at), confidence: c.confidence, at: Number(c.said_at) })),
  };
}

/** Export, erasure and retention queries. */
export const privacyRepo = (db: Kysely<Database>): PrivacyStore => ({
  findPeople: async (query, limit) => {
    const q = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = (col: 'u.name' | 'u.email' | 'u.sub' | 'u.id') => sql<boolean>`lower(coalesce(${sql.ref(col)}, '')) like ${q} escape '\\'`;
    const rows = await db
      .selectFrom('users as u')
      .innerJoin('platforms as p', 'p.id', 'u.platform_id')
      .select(['u.id', 'u.name', 'u.email', 'u.sub', 'p.name as platform_name'])
      .where((eb) => eb.or([like('u.name'), like('u.email'), like('u.sub'), like('u.id')]))
      .orderBy('u.name')
      .limit(limit)
      .execute();
    const out: PersonMatch[] = [];
    for (const r of rows) {
      const courses = await db
        .selectFrom('enrollments as e')
        .innerJoin('contexts as c', 'c.id', 'e.context_id')
        .select(['c.id', 'c.title'])
        .where('e.user_id', '=', r.id)
        .orderBy('c.title')
        .execute();
      out.push({ userId: r.id, platformName: r.platform_name, name: r.name, email: r.email, sub: r.sub, courses: courses.map((c) => ({ contextId: c.id, title: c.title })) });
    }
    return out;
  },

  personRecord: async (userId, contextIds) => {
    const u = await db
      .selectFrom('users as u')
      .innerJoin('platforms as p', 'p.id', 'u.platform_id')
      .select(['u.id', 'u.sub', 'u.name', 'u.given_name', 'u.family_name', 'u.email', 'u.updated_at', 'u.platform_id', 'p.name as platform_name', 'p.issuer'])
      .where('u.id', '=', userId)
      .executeTakeFirst();
    if (!u) return undefined;
    const all = await contextsOfPerson(db, userId, u.platform_id, u.sub);
    const wanted = contextIds ? all.filter((c) => contextIds.includes(c)) : all;
    const courses: CourseRecord[] = [];
    for (const contextId of wanted) courses.push(await courseRecord(db, userId, u.sub, contextId));
    return {
      userId: u.id,
      platform: { id: u.platform_id, name: u.platform_name, issuer: u.issuer },
      sub: u.sub,
      name: u.name,
      givenName: u.given_name,
      familyName: u.family_name,
      email: u.email,
      updatedAt: Number(u.updated_at),
      courses,
    };
  },

  erasePerson: (userId, contextId) =>
    db.transaction().execute(async (trx) => {
      const u = await trx.selectFrom('users').select(['platform_id', 'sub']).where('id', '=', userId).executeTakeFirst();
      const counts: ErasureCounts = {};
      if (!u) return { counts, contexts: [], personRemoved: false };
      const contexts = contextId ? [contextId] : await contextsOfPerson(trx, userId, u.platform_id, u.sub);
      const add = (table: string, n: bigint | number | undefined) => {
        const v = Number(n ?? 0);
        if (v) counts[table] = (counts[table] ?? 0) + v;
      };
      for (const t of BY_USER) {
        let del = trx.deleteFrom(t).where('user_id', '=', userId);
        if (contextId) del = del.where('context_id', '=', contextId);
        add(t, (await del.executeTakeFirst()).numDeletedRows);
      }
      // A login still open (or kept for a new-window relaunch, ADR 0021) holds the LMS user id as its login hint.
      add(
        'login_states',
        (await trx.deleteFrom('login_states').where('platform_id', '=', u.platform_id).where('relaunch', 'like', `%"login_hint":${JSON.stringify(u.sub)}%`).executeTakeFirst())
          .numDeletedRows,
      );
      // Instructors' alert marks name the student in their key (`reason:userId:objective`).
      let marks = trx.deleteFrom('instructor_alert_marks').where('alert_key', 'like', `%:${userId}:%`);
      if (contextId) marks = marks.where('context_id', '=', contextId);
      add('instructor_alert_marks', (await marks.executeTakeFirst()).numDeletedRows);
      for (const t of BY_SUB) {
        if (contexts.length === 0) continue;
        add(t, (await trx.deleteFrom(t).where('user_sub', '=', u.sub).where('context_id', 'in', contexts).executeTakeFirst()).numDeletedRows);
      }
      const left = await contextsOfPerson(trx, userId, u.platform_id, u.sub);
      let personRemoved = false;
      if (left.length === 0) {
        add('launch_sessions', (await trx.deleteFrom('launch_sessions').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows);
        add('audit_people', (await trx.deleteFrom('audit_people').where('user_id', '=', userId).executeTakeFirst()).numDeletedRows);
        add('users', (await trx.deleteFrom('users').where('id', '=', userId).executeTakeFirst()).numDeletedRows);
        personRemoved = true;
      }
      return { counts, contexts, personRemoved };
    }),

  peopleOf: async (contextId) => {
    const rows = await sql<{ user_id: string }>`
      select user_id from enrollments where context_id = ${contextId}
      union select user_id from learners where context_id = ${contextId}
      union select user_id from responses where context_id = ${contextId} and user_id is not null
      union select user_id from grade_outbox where context_id = ${contextId}
      union select user_id from accommodations where context_id = ${contextId}
      union select u.id as user_id from roster_members m join contexts c on c.id = m.context_id
        join users u on u.platform_id = c.platform_id and u.sub = m.user_sub where m.context_id = ${contextId}`.execute(db);
    return rows.rows.map((r) => r.user_id).sort();
  },

  forgetRoster: (contextId) =>
    db.transaction().execute(async (trx) => {
      const n = Number((await trx.deleteFrom('roster_members').where('context_id', '=', contextId).executeTakeFirst()).numDeletedRows ?? 0);
      await trx.deleteFrom('roster_syncs').where('context_id', '=', contextId).execute();
      await trx.deleteFrom('lms_evidence_seen').where('context_id', '=', contextId).execute();
      // Without the service endpoints the roster schedule stops fetching the course; the next launch brings them back.
      await trx.updateTable('contexts').set({ nrps_json: null }).where('id', '=', contextId).execute();
      return n;
    }),

  inactiveCourses: async (before) => {
    const rows = await sql<{ context_id: string; last_at: number | string }>`
      select context_id, max(at) as last_at from (
        select context_id, occurred_at as at from responses where user_id is not null
        union all select context_id, last_launch_at as at from enrollments
      ) activity group by context_id having max(at) < ${before}`.execute(db);
    const out: InactiveCourse[] = [];
    for (const r of rows.rows) {
      const ctx = await db.selectFrom('contexts').select('title').where('id', '=', r.context_id).executeTakeFirst();
      const people = await privacyRepo(db).peopleOf(r.context_id);
      out.push({ contextId: r.context_id, title: ctx?.title ?? null, lastActivityAt: Number(r.last_at), people: people.length });
    }
    return out.sort((a, b) => a.lastActivityAt - b.lastActivityAt);
  },

  sentGrades: async (userId, contextId) => {
    let q = db.selectFrom('grade_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('sent_at', 'is not', null);
    if (contextId) q = q.where('context_id', '=', contextId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  },
});
