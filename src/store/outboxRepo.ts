import { sql, type Kysely, type Selectable } from 'kysely';
import type { MasteryChange } from '../services/enginePorts.js';
import type {
  GradeActivity,
  GradePolicy,
  GradeOutboxRepo,
  GradeTx,
  LedgerEntry,
  ObjectiveStanding,
  OutboxEntry,
  WantedScore,
} from '../services/servicePorts.js';
import type { Dialect } from './db.js';
import { toPolicy } from './gradebookRepo.js';
import { sendWrite, type WriteBehind } from './writeBehind.js';
import { columnsOf, excluded, paramRows, preparedOn, rowValues } from './prepared.js';
import type { Database } from './schema.js';
import type { GradeObjectiveStatesTable } from './tables/services.js';

/** How many P(mastery) values a standing keeps for Canvas-parity roll-ups. */
const HISTORY = 50;

type Row = Database['grade_outbox'];
type Selected = Omit<Row, 'id'> & { id: number; user_sub: string };

const toEntry = (r: Selected): OutboxEntry => ({
  id: Number(r.id),
  contextId: r.context_id,
  userId: r.user_id,
  userSub: r.user_sub,
  itemKey: r.item_key,
  version: Number(r.version),
  attempts: Number(r.attempts),
  score: {
    itemKey: r.item_key,
    scoreGiven: Number(r.score_given),
    scoreMaximum: Number(r.score_maximum),
    activityProgress: r.activity_progress as WantedScore['activityProgress'],
    gradingProgress: r.grading_progress as WantedScore['gradingProgress'],
    comment: r.comment,
    eventAt: Number(r.event_at),
  },
  timestamp: Number(r.last_timestamp),
});

/** A learner's standing on an objective as stored (what the next change appends to). */
export type KnownStanding = Pick<Selectable<Database['grade_objective_states']>, 'history_json' | 'occurred_at' | 'state' | 'mastered_at'>;
/**
 * Standings a unit of work already knows, by {@link standingKey} (undefined: known to have none): read with the
 * learner under their lock, then kept current with the unit's own writes, so a change needs no read of its own.
 */
export type KnownStandings = Map<string, KnownStanding | undefined>;
/** A context's grade policy and activities, as a unit of work reads them once. */
export interface GradeContext {
  policy: GradePolicy;
  activities: GradeActivity[];
}
/** Grade contexts a unit of work already knows (read with the learner), by context id. */
export type KnownGradeContexts = Map<string, Promise<GradeContext>>;

export const standingKey = (contextId: string, userId: string, objectiveId: string) => `${contextId}\u0000${userId}\u0000${objectiveId}`;

/** A context's grade policy (with its language) and grade activities, in one statement. */
async function readGradeContext(db: Kysely<Database>, contextId: string, before: (...tables: (keyof Database)[]) => Promise<void>): Promise<GradeContext> {
  await before('contexts', 'grade_policies', 'grade_activities');
  const rows = await db
    .selectFrom('contexts as c')
    .leftJoin('grade_policies as p', 'p.context_id', 'c.id')
    .leftJoin('grade_activities as a', 'a.context_id', 'c.id')
    .select(['c.language', 'p.policy', 'p.calculation_json', 'p.per_objective', 'p.per_activity', 'p.score_maximum', 'p.activity_grade', 'p.updated_at', 'p.finalised_at'])
    .select(['a.activity_id', 'a.title', 'a.objective_ids_json', 'a.placed'])
    .where('c.id', '=', contextId)
    .orderBy('a.created_at')
    .orderBy('a.activity_id')
    .execute();
  const r = rows[0];
  const chosen =
    r && r.policy !== null && r.per_objective !== null && r.per_activity !== null && r.score_maximum !== null && r.activity_grade !== null && r.updated_at !== null
      ? { policy: r.policy, calculation_json: r.calculation_json, per_objective: r.per_objective, per_activity: r.per_activity, score_maximum: r.score_maximum, activity_grade: r.activity_grade, updated_at: r.updated_at, finalised_at: r.finalised_at }
      : undefined;
  const activities: GradeActivity[] = [];
  for (const a of rows) {
    if (a.activity_id === null || a.title === null || a.objective_ids_json === null) continue;
    activities.push({ activityId: a.activity_id, title: a.title, objectiveIds: JSON.parse(a.objective_ids_json) as string[], placed: a.placed === 1 });
  }
  return { policy: toPolicy(contextId, chosen, r?.language ?? null), activities };
}

/** A learner's standing on an objective, as saveStanding writes it (due_closed_at is left as it is). */
type StandingRow = Omit<GradeObjectiveStatesTable, 'due_closed_at'>;
const STANDING_COLUMNS = columnsOf<StandingRow>()(['context_id', 'user_id', 'objective_id', 'p', 'state', 'history_json', 'occurred_at', 'mastered_at']);
const STANDING_KEYS = ['context_id', 'user_id', 'objective_id'] as const;

/** The upsert of learners' standings, compiled once per dialect and row count (it runs with most answers). */
const upsertStandings = (db: Kysely<Database>, rows: readonly StandingRow[]) =>
  preparedOn(db, `grade_objective_states+${rows.length}`, (p) =>
    db
      .insertInto('grade_objective_states')
      .values(paramRows(p, STANDING_COLUMNS, rows.length))
      .onConflict((oc) => oc.columns(STANDING_KEYS).doUpdateSet((eb) => excluded(eb, STANDING_COLUMNS, STANDING_KEYS)))
      .compile(),
  ).bind(rowValues(rows));

/** Gradebook writes bound to one transaction (the unit of work's `grades`, built by src/store/learnerRepo.ts). */
export function gradeTx(db: Kysely<Database>, unit?: WriteBehind, known: KnownStandings = new Map(), contexts: KnownGradeContexts = new Map()): GradeTx {
  // In a unit of work, writes wait to be sent with the others (see WriteBehind) and reads send what they depend on.
  const before = async (...tables: (keyof Database)[]) => unit?.before(...tables);
  const write = async (table: keyof Database, q: Parameters<WriteBehind['write']>[1]) => {
    if (unit) await unit.write(table, q);
    else await sendWrite(db, q);
  };
  // The policy, language and activities of a context, read once per unit of work in one statement (or with the learner).
  const gradeContext = (contextId: string) => {
    let read = contexts.get(contextId);
    if (!read) {
      read = readGradeContext(db, contextId, before);
      contexts.set(contextId, read);
    }
    return read;
  };
  return {
    saveStanding: async (c: MasteryChange) => {
      const key = standingKey(c.contextId, c.userId, c.objectiveId);
      let prev: KnownStanding | undefined;
      if (known.has(key)) prev = known.get(key);
      else {
        await before('grade_objective_states');
        prev = await db
          .selectFrom('grade_objective_states')
          .select(['history_json', 'occurred_at', 'state', 'mastered_at'])
          .where('context_id', '=', c.contextId)
          .where('user_id', '=', c.userId)
          .where('objective_id', '=', c.objectiveId)
          .executeTakeFirst();
      }
      const history = prev ? (JSON.parse(prev.history_json) as number[]) : [];
      history.push(c.pAfter);
      // Mastered keeps its first date; a review after it (needs_review, then a re-check or reteach) keeps the date of
      // the mastery under review, so the earned grade stays (ADR 0014: reopening); a reset (back to locked or
      // available) clears it.
      const earlier = prev?.mastered_at !== null && prev?.mastered_at !== undefined ? Number(prev.mastered_at) : null;
      const masteredAt =
        c.stateAfter === 'locked' || c.stateAfter === 'available' ? null : c.stateAfter === 'mastered' || c.stateAfter === 'needs_review' ? (earlier ?? c.occurredAt) : earlier;
      const row = {
        context_id: c.contextId,
        user_id: c.userId,
        objective_id: c.objectiveId,
        p: c.pAfter,
        state: c.stateAfter,
        history_json: JSON.stringify(history.slice(-HISTORY)),
        occurred_at: Math.max(c.occurredAt, prev ? Number(prev.occurred_at) : 0),
        mastered_at: masteredAt,
      };
      known.set(key, row);
      // In a unit of work, the standings one answer changes go in one upsert with its other writes.
      if (unit) await unit.upsertRow('grade_objective_states', key, row, (rows) => upsertStandings(db, rows));
      else await sendWrite(db, upsertStandings(db, [row]));
    },
    policy: async (contextId) => (await gradeContext(contextId)).policy,
    activitiesWith: async (contextId, objectiveId): Promise<GradeActivity[]> =>
      (await gradeContext(contextId)).activities.filter((a) => a.objectiveIds.includes(objectiveId)),
    standings: async (contextId, userId, objectiveIds): Promise<ObjectiveStanding[]> => {
      if (!objectiveIds.length) return [];
      await before('grade_objective_states', 'objectives');
      const rows = await db
        .selectFrom('grade_objective_states as s')
        .leftJoin('objectives as o', 'o.id', 's.objective_id')
        .select(['s.objective_id', 's.p', 's.state', 's.history_json', 's.occurred_at', 's.mastered_at', 'o.title'])
        .where('s.context_id', '=', contextId)
        .where('s.user_id', '=', userId)
        .where('s.objective_id', 'in', [...objectiveIds])
        .execute();
      return rows.map((r) => ({
        objectiveId: r.objective_id,
        title: r.title ?? r.objective_id,
        p: Number(r.p),
        state: r.state,
        history: JSON.parse(r.history_json) as number[],
        occurredAt: Number(r.occurred_at),
        masteredAt: r.mastered_at === null ? null : Number(r.mastered_at),
      }));
    },
    dueDates: async (objectiveIds) => {
      if (!objectiveIds.length) return new Map<string, number>();
      await before('objectives');
      const rows = await db.selectFrom('objectives').select(['id', 'grade_due_at']).where('id', 'in', [...objectiveIds]).where('grade_due_at', 'is not', null).execute();
      return new Map(rows.map((r) => [r.id, Number(r.grade_due_at)]));
    },
    want: async (contextId, userId, s, now) => {
      await before('grade_outbox');
      const prev = await db
        .selectFrom('grade_outbox')
        .select(['score_given', 'score_maximum', 'comment', 'activity_progress', 'grading_progress', 'status'])
        .where('context_id', '=', contextId)
        .where('user_id', '=', userId)
        .where('item_key', '=', s.itemKey)
        .executeTakeFirst();
      // Nothing is posted for an objective the learner never started: "not started" only empties a column we wrote.
      if (!prev && s.activityProgress === 'Initialized') return 'unchanged';
      if (
        prev &&
        prev.status !== 'failed' &&
        prev.grading_progress === s.gradingProgress &&
        // A score with no grade sends no value: its value changing is no change for the LMS.
        (s.gradingProgress !== 'FullyGraded' || (Number(prev.score_given) === s.scoreGiven && Number(prev.score_maximum) === s.scoreMaximum)) &&
        prev.comment === s.comment &&
        prev.activity_progress === s.activityProgress
      ) {
        return 'unchanged';
      }
      await write(
        'grade_outbox',
        db
          .insertInto('grade_outbox')
          .values({
            context_id: contextId,
            user_id: userId,
            item_key: s.itemKey,
            score_given: s.scoreGiven,
            score_maximum: s.scoreMaximum,
            activity_progress: s.activityProgress,
            grading_progress: s.gradingProgress,
            comment: s.comment,
            event_at: s.eventAt,
            version: 1,
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.columns(['context_id', 'user_id', 'item_key']).doUpdateSet({
              score_given: (eb) => eb.ref('excluded.score_given'),
              score_maximum: (eb) => eb.ref('excluded.score_maximum'),
              activity_progress: (eb) => eb.ref('excluded.activity_progress'),
              grading_progress: (eb) => eb.ref('excluded.grading_progress'),
              comment: (eb) => eb.ref('excluded.comment'),
              // The AGS timestamp of a row never goes back: the LMS keeps the newest, Canvas refuses older ones.
              event_at: sql<number>`CASE WHEN grade_outbox.event_at > excluded.event_at THEN grade_outbox.event_at ELSE excluded.event_at END`,
              version: sql<number>`grade_outbox.version + 1`,
              status: 'pending',
              attempts: 0,
              next_attempt_at: now,
              failure_reason: null,
              last_error: null,
              updated_at: now,
            }),
          ),
      );
      return 'queued';
    },
  };
}

const selectEntries = (db: Kysely<Database>) =>
  db
    .selectFrom('grade_outbox as g')
    .innerJoin('users as u', 'u.id', 'g.user_id')
    .selectAll('g')
    .select('u.sub as user_sub');

/** The grade outbox on PostgreSQL (SKIP LOCKED leasing, shared by several workers) or SQLite (one worker). */
export function outboxRepo(db: Kysely<Database>, dialect: Dialect): GradeOutboxRepo {
  return {
    claim: async (owner, now, limit, leaseMs) => {
      const ids = await db.transaction().execute(async (tx) => {
        let q = tx
          .selectFrom('grade_outbox')
          .select('id')
          .where('status', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit);
        if (dialect === 'postgres') q = q.forUpdate().skipLocked();
        const rows = await q.execute();
        const idList = rows.map((r) => Number(r.id));
        if (!idList.length) return [];
        // The AGS timestamp of this send: now rounded up to a whole second, at least 1 s after the last one (Moodle
        // compares whole seconds and refuses a timestamp that is not later with 409).
        const ceilNow = Math.ceil(now / 1000) * 1000;
        await tx
          .updateTable('grade_outbox')
          .set({
            lease_owner: owner,
            lease_until: now + leaseMs,
            last_timestamp: sql<number>`CASE WHEN last_timestamp IS NOT NULL AND last_timestamp + 1000 > ${ceilNow} THEN last_timestamp + 1000 ELSE CAST(${ceilNow} AS bigint) END`,
          })
          .where('id', 'in', idList)
          .execute();
        return idList;
      });
      if (!ids.length) return [];
      const rows = await selectEntries(db).where('g.id', 'in', ids).where('g.lease_owner', '=', owner).execute();
      return rows.map((r) => toEntry(r as Selected)).sort((a, b) => a.id - b.id);
    },

    markSentMany: async (entries, owner, now) => {
      const byVersion = new Map<number, OutboxEntry[]>();
      for (const e of entries) byVersion.set(e.version, [...(byVersion.get(e.version) ?? []), e]);
      const done = new Set<number>();
      for (const [version, group] of byVersion) {
        for (let i = 0; i < group.length; i += 500) {
          const ids = group.slice(i, i + 500).map((e) => e.id);
          // Rows still at the version we sent hold exactly the score we sent: copy it into the sent_* columns.
          const rows = await db
            .updateTable('grade_outbox')
            .set((eb) => ({
              status: 'sent',
              lease_owner: null,
              lease_until: null,
              failure_reason: null,
              last_error: null,
              sent_version: eb.ref('version'),
              sent_score: eb.ref('score_given'),
              sent_event_at: eb.ref('event_at'),
              sent_at: now,
              next_attempt_at: now,
              updated_at: now,
            }))
            .where('id', 'in', ids)
            .where('version', '=', version)
            .where('lease_owner', '=', owner)
            .returning('id')
            .execute();
          for (const r of rows) done.add(Number(r.id));
        }
      }
      for (const e of entries) {
        if (done.has(e.id)) continue;
        await db
          .updateTable('grade_outbox')
          .set({
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            lease_owner: null,
            lease_until: null,
            sent_version: e.version,
            sent_score: e.score.scoreGiven,
            sent_event_at: e.score.eventAt,
            sent_at: now,
            updated_at: now,
          })
          .where('id', '=', e.id)
          .where('lease_owner', '=', owner)
          .execute();
      }
    },

    markRetry: async (e, owner, now, nextAttemptAt, error, countAttempt) => {
      await db.updateTable('grade_outbox').set({
          // A newer version arriving meanwhile resets attempts, so keep its own count (0) in that case.
          attempts: countAttempt ? sql<number>`CASE WHEN version = ${e.version} THEN attempts + 1 ELSE attempts END` : sql<number>`attempts`,
          next_attempt_at: sql<number>`CASE WHEN version = ${e.version} THEN CAST(${Math.round(nextAttemptAt)} AS bigint) ELSE CAST(${Math.round(Math.min(nextAttemptAt, now))} AS bigint) END`,
          lease_owner: null,
          lease_until: null,
          last_error: error,
          updated_at: now,
        })
        .where('id', '=', e.id)
        .where('lease_owner', '=', owner)
        .execute();
    },

    reserveTimestamp: async (e, owner, timestamp) => {
      const ts = Math.round(timestamp);
      await db
        .updateTable('grade_outbox')
        .set({ last_timestamp: sql<number>`CASE WHEN last_timestamp IS NOT NULL AND last_timestamp > ${ts} THEN last_timestamp ELSE CAST(${ts} AS bigint) END` })
        .where('id', '=', e.id)
        .where('lease_owner', '=', owner)
        .execute();
    },

    markFailed: async (e, owner, now, reason, error) => {
      await db.updateTable('grade_outbox').set({
          status: sql<string>`CASE WHEN version = ${e.version} THEN 'failed' ELSE 'pending' END`,
          failure_reason: sql<string | null>`CASE WHEN version = ${e.version} THEN CAST(${reason} AS text) ELSE NULL END`,
          last_error: error,
          attempts: sql<number>`CASE WHEN version = ${e.version} THEN attempts + 1 ELSE attempts END`,
          next_attempt_at: now,
          lease_owner: null,
          lease_until: null,
          updated_at: now,
        })
        .where('id', '=', e.id)
        .where('lease_owner', '=', owner)
        .execute();
    },

    ledger: async (contextId) => {
      const rows = await db
        .selectFrom('grade_outbox as g')
        .innerJoin('users as u', 'u.id', 'g.user_id')
        .leftJoin('grade_line_items as li', (j) => j.onRef('li.context_id', '=', 'g.context_id').onRef('li.item_key', '=', 'g.item_key'))
        .select([
          'g.id',
          'g.user_id',
          'u.name',
          'u.sub',
          'g.item_key',
          'li.label',
          'g.status',
          'g.score_given',
          'g.score_maximum',
          'g.grading_progress',
          'g.version',
          'g.sent_version',
          'g.sent_score',
          'g.sent_at',
          'g.attempts',
          'g.failure_reason',
          'g.last_error',
        ])
        .where('g.context_id', '=', contextId)
        .orderBy('u.name')
        .orderBy('u.sub')
        .orderBy('g.item_key')
        .execute();
      return rows.map(
        (r): LedgerEntry => ({
          id: Number(r.id),
          userId: r.user_id,
          userName: r.name,
          userSub: r.sub,
          itemKey: r.item_key,
          itemLabel: r.label ?? r.item_key,
          status: r.status as LedgerEntry['status'],
          wantedScore: r.grading_progress === 'FullyGraded' ? Number(r.score_given) : null,
          scoreMaximum: Number(r.score_maximum),
          // A progress score (no grade) sent at the current version left no grade in the LMS.
          sentScore: r.sent_score === null || (r.grading_progress !== 'FullyGraded' && Number(r.sent_version) === Number(r.version)) ? null : Number(r.sent_score),
          sentAt: r.sent_at === null ? null : Number(r.sent_at),
          attempts: Number(r.attempts),
          failureReason: r.failure_reason,
          lastError: r.last_error,
        }),
      );
    },

    resend: async (contextId, now, ids) => {
      let q = db
        .updateTable('grade_outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now, failure_reason: null, updated_at: now })
        .where('context_id', '=', contextId);
      q = ids ? q.where('id', 'in', ids.length ? [...ids] : [-1]) : q.where('status', '=', 'failed');
      const res = await q.executeTakeFirst();
      return Number(res.numUpdatedRows);
    },

    counts: async (contextId) => {
      let q = db.selectFrom('grade_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
      if (contextId) q = q.where('context_id', '=', contextId);
      const out = { pending: 0, sent: 0, failed: 0 };
      for (const r of await q.execute()) out[r.status as keyof typeof out] = Number(r.n);
      return out;
    },
  };
}
