import { sql, type CompiledQuery, type ExpressionBuilder, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ItemStats } from '../domain/elo.js';
import type { Explanation, ExplanationKind, ExplanationRule, Evidence } from '../domain/explain.js';
import type { ObjectiveState } from '../domain/mastery.js';
import type { EngineState, ObjectiveProgress } from '../domain/projection.js';
import type { Accommodations } from '../domain/release.js';
import type {
  EngineTx,
  LearnerProjection,
  LearnerStore,
  LoggedEvent,
  LoggedEventType,
  NewLoggedEvent,
  StoredItemStats,
} from '../services/enginePorts.js';
import type { Dialect } from './db.js';
import { SessionErased, SessionRequired } from '../domain/errors.js';
import { sessionStateOf } from './launchRepo.js';
import { markEvidenceSeen } from './lmsEvidenceRepo.js';
import { toPolicy } from './gradebookRepo.js';
import { gradeTx, standingKey, type KnownGradeContexts, type KnownStandings } from './outboxRepo.js';
import { WriteBehind } from './writeBehind.js';
import { columnsOf, excluded, paramRows, preparedOn, rowValues } from './prepared.js';
import type { Database } from './schema.js';
import type { ExplanationsTable, ItemStatsTable, ResponsesTable } from './tables/engine.js';
import { decodeMessage, encodeMessage, type MessageOrText } from '../domain/message.js';

const CHUNK = 200;
const chunks = <T>(xs: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};

const toEvent = (r: Selectable<ResponsesTable>): LoggedEvent => ({
  logId: Number(r.id),
  attemptId: r.attempt_id,
  contextId: r.context_id,
  userId: r.user_id,
  objectiveId: r.objective_id,
  type: r.type as LoggedEventType,
  itemId: r.item_id,
  correct: r.correct === null ? null : r.correct === 1,
  answer: r.answer === null ? null : (JSON.parse(r.answer) as unknown),
  phase: r.phase,
  occurredAt: Number(r.occurred_at),
  outcome: r.data === null ? null : (JSON.parse(r.data) as unknown),
});

const toStats = (r: Selectable<ItemStatsTable>): ItemStats => ({
  difficulty: r.difficulty,
  initialDifficulty: r.initial_difficulty,
  responses: r.n,
  correct: r.correct,
  masteredResponses: r.mastered_n,
  masteredCorrect: r.mastered_correct,
});

const statsRow = (itemId: string, s: ItemStats, flags: readonly string[], at: number) => ({
  item_id: itemId,
  difficulty: s.difficulty,
  initial_difficulty: s.initialDifficulty,
  n: s.responses,
  correct: s.correct,
  mastered_n: s.masteredResponses,
  mastered_correct: s.masteredCorrect,
  flagged: flags.length ? 1 : 0,
  flag_reason: flags.length ? flags.join(',') : null,
  updated_at: at,
});

const progressRow = (contextId: string, userId: string, p: ObjectiveProgress, at: number) => ({
  user_id: userId,
  objective_id: p.objectiveId,
  context_id: contextId,
  p: p.p,
  state: p.state,
  responses: p.responses,
  cycles: p.cycles,
  stuck: p.stuck ? 1 : 0,
  last_check_item_ids: JSON.stringify(p.previousCheckItemIds),
  locked_grade: p.lockedGrade,
  data: JSON.stringify(p),
  updated_at: at,
});

const explanationRow = (contextId: string, e: Explanation) => ({
  context_id: contextId,
  user_id: e.studentId,
  objective_id: e.objectiveId,
  event_id: e.eventId,
  kind: e.kind,
  rule: e.rule,
  from_state: e.from,
  to_state: e.to,
  evidence: JSON.stringify(e.evidence),
  message: encodeMessage(e.message),
  at: e.at,
});

const responseRow = (e: NewLoggedEvent) => ({
  attempt_id: e.attemptId,
  context_id: e.contextId,
  user_id: e.userId,
  objective_id: e.objectiveId,
  type: e.type,
  item_id: e.itemId,
  correct: e.correct === null ? null : e.correct ? 1 : 0,
  answer: e.answer === null || e.answer === undefined ? null : JSON.stringify(e.answer),
  phase: e.phase,
  data: e.outcome === null || e.outcome === undefined ? null : JSON.stringify(e.outcome),
  occurred_at: e.occurredAt,
});

const RESPONSE_COLUMNS = columnsOf<ReturnType<typeof responseRow>>()(['attempt_id', 'context_id', 'user_id', 'objective_id', 'type', 'item_id', 'correct', 'answer', 'phase', 'data', 'occurred_at']);
const STATS_COLUMNS = columnsOf<ReturnType<typeof statsRow>>()(['item_id', 'difficulty', 'initial_difficulty', 'n', 'correct', 'mastered_n', 'mastered_correct', 'flagged', 'flag_reason', 'updated_at']);
const PROGRESS_COLUMNS = columnsOf<ReturnType<typeof progressRow>>()(['user_id', 'objective_id', 'context_id', 'p', 'state', 'responses', 'cycles', 'stuck', 'last_check_item_ids', 'locked_grade', 'data', 'updated_at']);
const EXPLANATION_COLUMNS = columnsOf<ReturnType<typeof explanationRow>>()(['context_id', 'user_id', 'objective_id', 'event_id', 'kind', 'rule', 'from_state', 'to_state', 'evidence', 'message', 'at']);

/**
 * An answer's writes, compiled once per dialect (and row count) and bound to its values: building and compiling them
 * with the query builder on every answer was most of the query builder's share of an answer's CPU.
 */
const writes = {
  response: (db: Kysely<Database>, e: NewLoggedEvent) =>
    preparedOn(db, 'responses+1', (p) => db.insertInto('responses').values(paramRows(p, RESPONSE_COLUMNS, 1)).compile()).bind(rowValues([responseRow(e)])),
  stats: (db: Kysely<Database>, row: ReturnType<typeof statsRow>) =>
    preparedOn(db, 'item_stats+1', (p) =>
      db
        .insertInto('item_stats')
        .values(paramRows(p, STATS_COLUMNS, 1))
        .onConflict((oc) => oc.column('item_id').doUpdateSet((eb) => excluded(eb, STATS_COLUMNS, ['item_id'])))
        .compile(),
    ).bind(rowValues([row])),
  progress: (db: Kysely<Database>, rows: readonly ReturnType<typeof progressRow>[]) =>
    preparedOn(db, `learner_objectives+${rows.length}`, (p) =>
      db
        .insertInto('learner_objectives')
        .values(paramRows(p, PROGRESS_COLUMNS, rows.length))
        .onConflict((oc) =>
          oc.columns(['user_id', 'objective_id']).doUpdateSet((eb) => excluded(eb, PROGRESS_COLUMNS, ['user_id', 'objective_id', 'context_id'])),
        )
        .compile(),
    ).bind(rowValues(rows)),
  explanations: (db: Kysely<Database>, rows: readonly ReturnType<typeof explanationRow>[]) =>
    preparedOn(db, `explanations+${rows.length}`, (p) => db.insertInto('explanations').values(paramRows(p, EXPLANATION_COLUMNS, rows.length)).compile()).bind(rowValues(rows)),
  learner: (db: Kysely<Database>, values: Record<'ability' | 'weights' | 'overrides' | 'recentItems' | 'events' | 'at' | 'userId' | 'contextId', unknown>) =>
    preparedOn(db, 'learners.save', (p: (name: keyof typeof values) => never) =>
      db
        .updateTable('learners')
        .set({ ability: p('ability'), ability_weights: p('weights'), overrides: p('overrides'), recent_items: p('recentItems'), events: p('events'), updated_at: p('at') })
        .where('user_id', '=', p('userId'))
        .where('context_id', '=', p('contextId'))
        .compile(),
    ).bind(values),
};

/** An explanations row as the domain's Explanation. */
export const toExplanation = (r: Selectable<ExplanationsTable>): Explanation => ({
  studentId: r.user_id,
  objectiveId: r.objective_id,
  at: Number(r.at),
  eventId: r.event_id ?? '',
  kind: r.kind as ExplanationKind,
  rule: r.rule as ExplanationRule,
  from: r.from_state as ObjectiveState | null,
  to: r.to_state as ObjectiveState | null,
  evidence: JSON.parse(r.evidence) as Evidence,
  message: decodeMessage(r.message),
});

const toAccommodations = (r: { threshold_offset: number; extra_cycles: number; extra_opportunities: number; time_multiplier: number }): Required<Accommodations> => ({
  thresholdOffset: r.threshold_offset,
  extraCycles: r.extra_cycles,
  extraOpportunities: r.extra_opportunities,
  timeMultiplier: r.time_multiplier,
});

/**
 * A learner's projection in ONE statement: the learner row, their accommodations, the course and content versions
 * and their objectives' progress (one result row per objective, the learner's columns repeated). Not locking: a locked read
 * takes the lock first (see lockLearner), because a row lock waited for in the same statement would pair the
 * learner's new row with their objectives as they were before the other transaction committed.
 */
async function readLearner(db: Kysely<Database>, contextId: string, userId: string, latestMessages = false, session?: SessionCheck): Promise<LearnerProjection | undefined> {
  return (await readLearnerWith(db, contextId, userId, undefined, latestMessages, session))?.learner;
}

/** A launch session to check with the learner's read (see `LearnerStore.loadLearner`), and how to tell why it is gone. */
interface SessionCheck {
  id: string;
  state: ReturnType<typeof sessionStateOf>;
}

/**
 * Throws when the session checked with a learner's read is gone. Its column says whether the session row was there;
 * without a learner row (a new learner, or one erased with their person) a second statement tells which.
 */
async function assertSessionLive(db: Kysely<Database>, session: SessionCheck, userId: string, row: { session_live?: unknown } | undefined) {
  // A learner row read in the same statement means the person is still there (erasure deletes both in one transaction).
  if (row) {
    if (Number(row.session_live ?? 0) > 0) return;
    throw new SessionRequired();
  }
  const state = await session.state(db, session.id, userId);
  if (state === 'erased') throw new SessionErased();
  if (state === 'gone') throw new SessionRequired();
}

/** What a learner's read includes besides the learner (see readLearnerWith): its statement's shape. */
interface LearnerReadShape {
  /** Under the lock: the gradebook standings, grade policy and language, and whether the course has grade activities. */
  more: boolean;
  /** Whether an attempt id is looked up in the log. */
  attempt: boolean;
  /** Each objective's newest explanation message. */
  latestMessages: boolean;
  /** Whether a launch session is checked. */
  session: boolean;
}

/** The newest row of what the student said before a check of the objective on the row (ADR 0024): one column of it. */
const latestConfidence = <C extends 'confidence' | 'check_started_at'>(eb: ExpressionBuilder<LearnerReadFrom, 'l' | 'o'>, column: C) =>
  eb
    .selectFrom('check_confidence as cc')
    .select(`cc.${column}` as `cc.${C}`)
    .whereRef('cc.context_id', '=', 'l.context_id')
    .whereRef('cc.user_id', '=', 'l.user_id')
    .whereRef('cc.objective_id', '=', 'o.objective_id')
    .orderBy('cc.check_started_at', 'desc')
    .limit(1);

type LearnerReadFrom = Database & { l: Database['learners']; o: Database['learner_objectives'] };

/**
 * The learner's read in one statement, compiled once per shape and dialect (a practice page and an answer built and
 * compiled this 60-column statement every time: 8 % of the tool's CPU per page + answer); values bound when it runs.
 */
const learnerRead = (db: Kysely<Database>, s: LearnerReadShape) =>
  preparedOn(db, `learner-read:${Number(s.more)}${Number(s.attempt)}${Number(s.latestMessages)}${Number(s.session)}`, (p: (name: 'contextId' | 'userId' | 'attemptId' | 'sessionId') => never) =>
    db
      .selectFrom('learners as l')
      .leftJoin('accommodations as a', (j) => j.onRef('a.user_id', '=', 'l.user_id').onRef('a.context_id', '=', 'l.context_id'))
      .leftJoin('learner_objectives as o', (j) => j.onRef('o.user_id', '=', 'l.user_id').onRef('o.context_id', '=', 'l.context_id'))
      .select(['l.ability', 'l.ability_weights', 'l.overrides', 'l.recent_items', 'l.events', 'o.data as objective_data'])
      .select(['a.threshold_offset', 'a.extra_cycles', 'a.extra_opportunities', 'a.time_multiplier'])
      .select((eb) =>
        eb
          .selectFrom('responses as r')
          .select('r.id')
          .where('r.context_id', '=', p('contextId'))
          .where('r.user_id', 'is', null)
          .orderBy('r.id', 'desc')
          .limit(1)
          .as('course_version'),
      )
      .select((eb) => eb.selectFrom('engine_courses as c').select('c.content_version').where('c.context_id', '=', p('contextId')).as('content_version'))
      .where('l.user_id', '=', p('userId'))
      .where('l.context_id', '=', p('contextId'))
      .leftJoin('grade_objective_states as g', (j) =>
        j
          .on(sql.lit(s.more), '=', sql.lit(true))
          .onRef('g.context_id', '=', 'l.context_id')
          .onRef('g.user_id', '=', 'l.user_id')
          .onRef('g.objective_id', '=', 'o.objective_id'),
      )
      .select(['o.objective_id', 'g.history_json', 'g.occurred_at as g_occurred_at', 'g.state as g_state', 'g.mastered_at as g_mastered_at'])
      // Under the lock, the grade policy and language too, and whether the course has grade activities (the grade hook's reads).
      .leftJoin('grade_policies as gp', (j) => j.on(sql.lit(s.more), '=', sql.lit(true)).onRef('gp.context_id', '=', 'l.context_id'))
      .leftJoin('contexts as gc', (j) => j.on(sql.lit(s.more), '=', sql.lit(true)).onRef('gc.id', '=', 'l.context_id'))
      .select(['gc.language', 'gp.policy', 'gp.calculation_json', 'gp.per_objective', 'gp.per_activity', 'gp.score_maximum', 'gp.activity_grade', 'gp.updated_at as gp_updated_at', 'gp.finalised_at'])
      .select((eb) =>
        eb
          .selectFrom('grade_activities as ga')
          .select('ga.activity_id')
          .where(sql.lit(s.more), '=', sql.lit(true))
          .whereRef('ga.context_id', '=', 'l.context_id')
          .limit(1)
          .as('some_activity'),
      )
      .select((eb) => (s.attempt ? eb.selectFrom('responses as e').select('e.id').where('e.attempt_id', '=', p('attemptId')).as('seen') : sql<null>`null`.as('seen')))
      .select((eb) =>
        eb
          .selectFrom('explanations as x')
          .select('x.message')
          .where(sql.lit(s.latestMessages), '=', sql.lit(true))
          .whereRef('x.context_id', '=', 'l.context_id')
          .whereRef('x.user_id', '=', 'l.user_id')
          .whereRef('x.objective_id', '=', 'o.objective_id')
          .orderBy('x.id', 'desc')
          .limit(1)
          .as('latest_message'),
      )
      // What the student said they were sure of before their latest check of each objective (ADR 0024; display only).
      .$if(s.latestMessages || s.more, (qb) =>
        qb.select((eb) => latestConfidence(eb, 'confidence').as('said_confidence')).select((eb) => latestConfidence(eb, 'check_started_at').as('said_check_started_at')),
      )
      .$if(s.session, (qb) =>
        qb.select((eb) =>
          eb
            .selectFrom('launch_sessions as ls')
            .select((e) => e.fn.countAll<number | string>().as('n'))
            .where('ls.id', '=', p('sessionId'))
            .as('session_live'),
        ),
      )
      .compile(),
  );

/**
 * {@link readLearner}, and under a learner's lock what the unit of work reads next in the same statement: whether
 * `attemptId` is in the log already, and the learner's standings in the gradebook (into `standings`). With `session`,
 * whether that launch session is still stored, in the same statement (throws SessionErased or SessionRequired if not).
 */
async function readLearnerWith(
  db: Kysely<Database>,
  contextId: string,
  userId: string,
  more?: { attemptId: string | undefined; standings: KnownStandings; gradeContexts: KnownGradeContexts },
  latestMessages = false,
  session?: SessionCheck,
): Promise<{ learner: LearnerProjection; attemptSeen: boolean } | undefined> {
  const attemptId = more?.attemptId;
  const shape = { more: more !== undefined, attempt: attemptId !== undefined, latestMessages, session: session !== undefined };
  const { rows } = await learnerRead(db, shape).run(db, { contextId, userId, attemptId: attemptId ?? null, sessionId: session?.id ?? null });
  const row = rows[0];
  if (session) await assertSessionLive(db, session, userId, row);
  if (!row) return undefined;
  const objectives: ObjectiveProgress[] = [];
  const messages = latestMessages ? new Map<string, MessageOrText | null>() : undefined;
  const confidence = latestMessages || more ? new Map<string, { checkStartedAt: number; confidence: string }>() : undefined;
  for (const r of rows) {
    if (r.objective_data === null) continue;
    objectives.push(JSON.parse(r.objective_data) as ObjectiveProgress);
    if (confidence && r.objective_id !== null && r.said_confidence !== null && r.said_confidence !== undefined && r.said_check_started_at !== null && r.said_check_started_at !== undefined) {
      confidence.set(r.objective_id, { checkStartedAt: Number(r.said_check_started_at), confidence: r.said_confidence });
    }
    if (messages && r.objective_id !== null) messages.set(r.objective_id, r.latest_message === null || r.latest_message === undefined ? null : decodeMessage(r.latest_message));
    if (more && r.objective_id !== null) {
      more.standings.set(
        standingKey(contextId, userId, r.objective_id),
        r.history_json === null || r.g_occurred_at === null || r.g_state === null
          ? undefined
          : { history_json: r.history_json, occurred_at: r.g_occurred_at, state: r.g_state, mastered_at: r.g_mastered_at },
      );
    }
  }
  // A course without grade activities: the policy read here is all the grade hook needs.
  if (more && (row.some_activity === null || row.some_activity === undefined)) {
    const chosen =
      row.policy !== null && row.per_objective !== null && row.per_activity !== null && row.score_maximum !== null && row.activity_grade !== null && row.gp_updated_at !== null
        ? { policy: row.policy, calculation_json: row.calculation_json, per_objective: row.per_objective, per_activity: row.per_activity, score_maximum: row.score_maximum, activity_grade: row.activity_grade, updated_at: row.gp_updated_at, finalised_at: row.finalised_at }
        : undefined;
    more.gradeContexts.set(contextId, Promise.resolve({ policy: toPolicy(contextId, chosen, row.language ?? null), activities: [] }));
  }
  const learner: LearnerProjection = {
    ability: row.ability,
    weights: row.ability_weights === null ? null : (JSON.parse(row.ability_weights) as number[]),
    overrides: JSON.parse(row.overrides) as string[],
    recentItems: JSON.parse(row.recent_items) as string[],
    events: row.events,
    objectives,
    accommodations:
      row.threshold_offset === null || row.extra_cycles === null || row.extra_opportunities === null || row.time_multiplier === null
        ? null
        : toAccommodations({ threshold_offset: row.threshold_offset, extra_cycles: row.extra_cycles, extra_opportunities: row.extra_opportunities, time_multiplier: row.time_multiplier }),
    courseVersion: row.course_version === null || row.course_version === undefined ? 0 : Number(row.course_version),
    ...(row.content_version === null || row.content_version === undefined ? {} : { contentVersion: Number(row.content_version) }),
    ...(messages ? { latestMessages: messages } : {}),
    ...(confidence ? { latestConfidence: confidence } : {}),
  };
  return { learner, attemptSeen: row.seen !== null && row.seen !== undefined };
}

/** The upsert of a learner's accommodations read model. */
function accommodationsUpsert(db: Kysely<Database>, contextId: string, userId: string, acc: Required<Accommodations>, at: number) {
  const values = {
    threshold_offset: acc.thresholdOffset,
    extra_cycles: acc.extraCycles,
    extra_opportunities: acc.extraOpportunities,
    time_multiplier: acc.timeMultiplier,
    updated_at: at,
  };
  return db
    .insertInto('accommodations')
    .values({ user_id: userId, context_id: contextId, ...values })
    .onConflict((oc) => oc.columns(['user_id', 'context_id']).doUpdateSet(values));
}

/**
 * The statement that creates a learner or takes their row lock (waiting for a concurrent submission to commit); the
 * read that follows, a new statement, then sees everything that submission wrote. With a session to check
 * (`checked`), the learner is created only while that session is stored (its person erased: nothing is created).
 * With `items` (PostgreSQL), the item statistics `item.0`… are locked in the same statement, after the learner (the
 * EXISTS is a one-time filter run before any item row is locked: the lock order of every unit of work and of
 * rebuildProjection); a row lock waited for returns the row as the other transaction committed it. Compiled once per
 * shape and dialect.
 */
function lockStatement(db: Kysely<Database>, checked: boolean, items: number) {
  return preparedOn(db, `learner-lock:${Number(checked)}:${items}`, (p: (name: string) => never) => {
    const insert = db.insertInto('learners');
    const upsert = (
      checked
        ? insert
            .columns(['user_id', 'context_id', 'updated_at'])
            .expression(
              db
                .selectFrom('launch_sessions')
                .select([sql<string>`cast(${p('userId')} as text)`.as('user_id'), sql<string>`cast(${p('contextId')} as text)`.as('context_id'), sql<number>`cast(${p('at')} as bigint)`.as('updated_at')])
                .where('id', '=', p('sessionId')),
            )
        : insert.values({ user_id: p('userId'), context_id: p('contextId'), updated_at: p('at') })
    ).onConflict((oc) => oc.columns(['user_id', 'context_id']).doUpdateSet({ updated_at: sql<number>`learners.updated_at` }));
    if (!items) return upsert.compile() as CompiledQuery<Selectable<ItemStatsTable>>;
    return db
      .with('l', () => upsert.returning('learners.user_id'))
      .selectFrom('item_stats')
      .selectAll()
      .where(
        'item_id',
        'in',
        Array.from({ length: items }, (_, i) => p(`item.${i}`)),
      )
      .where((eb) => eb.exists(eb.selectFrom('l').select('l.user_id')))
      .orderBy('item_id')
      .forUpdate()
      .compile();
  });
}

/**
 * The unit of work over one transaction. Its writes wait in a {@link WriteBehind} (PostgreSQL: sent as one statement)
 * until a read needs them or `flush` (before commit); `flush` is not part of the port: the store calls it.
 */
function engineTx(trx: Transaction<Database>, dialect: Dialect, sessionState?: SessionCheck['state']): EngineTx & { flush(): Promise<void> } {
  const lock = dialect === 'postgres';
  const unit = new WriteBehind(trx, dialect);
  const standings: KnownStandings = new Map();
  const gradeContexts: KnownGradeContexts = new Map();
  // Attempt ids read with the learner and not in the log then (findEvent needs no statement for them).
  const unseen = new Set<string>();
  // Item statistics locked with the learner (undefined: no row), as read then: this unit of work holds their locks.
  const lockedStats = new Map<string, ItemStats | undefined>();
  const tx: EngineTx & { flush(): Promise<void> } = {
    flush: () => unit.flush(),
    grades: gradeTx(trx, unit, standings, gradeContexts),
    markEvidenceSeen: async (row) => {
      await unit.flush();
      await markEvidenceSeen(trx, row);
    },
    findEvent: async (attemptId) => {
      if (unseen.has(attemptId)) return undefined;
      await unit.before('responses');
      const row = await trx.selectFrom('responses').selectAll().where('attempt_id', '=', attemptId).executeTakeFirst();
      return row ? toEvent(row) : undefined;
    },
    lockLearner: async (contextId, userId, at, also) => {
      await unit.flush();
      // The learner's lock (and, on PostgreSQL, the item statistics'), then their read: see lockStatement.
      const sessionId = also?.sessionId;
      const itemIds = lock ? (also?.itemIds ?? []) : [];
      const rows = (await lockStatement(trx, sessionId !== undefined, itemIds.length).run(trx, { userId, contextId, at, sessionId, ...rowValues(itemIds.map((item) => ({ item }))) })).rows;
      if (itemIds.length) {
        for (const id of itemIds) lockedStats.set(id, undefined);
        for (const r of rows) lockedStats.set(r.item_id, toStats(r));
      }
      const session = sessionId !== undefined && sessionState ? { id: sessionId, state: sessionState } : undefined;
      const read = (await readLearnerWith(trx, contextId, userId, { attemptId: also?.attemptId, standings, gradeContexts }, false, session)) as {
        learner: LearnerProjection;
        attemptSeen: boolean;
      };
      if (also?.attemptId !== undefined && !read.attemptSeen) unseen.add(also.attemptId);
      return read.learner;
    },
    lockItemStats: async (itemIds) => {
      if (itemIds.length === 0) return new Map();
      if (itemIds.every((id) => lockedStats.has(id))) {
        const out = new Map<string, ItemStats>();
        for (const id of itemIds) {
          const s = lockedStats.get(id);
          if (s) out.set(id, s);
        }
        return out;
      }
      await unit.before('item_stats');
      let q = trx.selectFrom('item_stats').selectAll().where('item_id', 'in', [...itemIds]).orderBy('item_id');
      if (lock) q = q.forUpdate();
      return new Map((await q.execute()).map((r) => [r.item_id, toStats(r)]));
    },
    appendEvent: async (e: NewLoggedEvent) => {
      unseen.delete(e.attemptId);
      await unit.write('responses', writes.response(trx, e));
    },
    saveLearner: async (contextId, userId, l, at) => {
      const values = { ability: l.ability, weights: l.weights ? JSON.stringify(l.weights) : null, overrides: JSON.stringify(l.overrides), recentItems: JSON.stringify(l.recentItems), events: l.events, at, userId, contextId };
      await unit.write('learners', writes.learner(trx, values));
    },
    saveProgress: async (contextId, userId, progress, at) => {
      for (const part of chunks(progress)) {
        if (part.length) await unit.write('learner_objectives', writes.progress(trx, part.map((p) => progressRow(contextId, userId, p, at))));
      }
    },
    saveAccommodations: (contextId, userId, acc, at) => unit.write('accommodations', accommodationsUpsert(trx, contextId, userId, acc, at)),
    saveItemStats: async (itemId, stats, flags, at) => {
      lockedStats.delete(itemId);
      await unit.write('item_stats', writes.stats(trx, statsRow(itemId, stats, flags, at)));
    },
    addExplanations: async (contextId, explanations) => {
      for (const part of chunks(explanations)) {
        if (part.length) await unit.write('explanations', writes.explanations(trx, part.map((e) => explanationRow(contextId, e))));
      }
    },
  };
  return tx;
}

/** The event log and learner projection store (PostgreSQL row locks serialise one learner's submissions). */
export const learnerStore = (db: Kysely<Database>, dialect: Dialect): LearnerStore => {
  const sessionState = sessionStateOf(db);
  return {
    inTransaction: (fn) =>
      db.transaction().execute(async (trx) => {
        const tx = engineTx(trx, dialect, sessionState);
        const result = await fn(tx);
        await tx.flush();
        return result;
      }),

    loadLearner: (contextId, userId, opts) =>
      readLearner(db, contextId, userId, opts?.latestMessages ?? false, opts?.sessionId === undefined ? undefined : { id: opts.sessionId, state: sessionState }),

    itemStats: async (contextId) => {
      const rows = await db
        .selectFrom('item_stats as s')
        .innerJoin('items as i', 'i.id', 's.item_id')
        .selectAll('s')
        .where('i.context_id', '=', contextId)
        .execute();
      return new Map<string, StoredItemStats>(
        rows.map((r) => [r.item_id, { ...toStats(r), itemId: r.item_id, flags: r.flag_reason ? r.flag_reason.split(',') : [] }]),
      );
    },

    listExplanations: async (contextId, userId, opts = {}) => {
      let q = db.selectFrom('explanations').selectAll().where('context_id', '=', contextId).where('user_id', '=', userId);
      if (opts.objectiveId) q = q.where('objective_id', '=', opts.objectiveId);
      return (await q.orderBy('id', 'desc').limit(opts.limit ?? 200).execute()).map(toExplanation);
    },

    accommodations: async (contextId) => {
      const rows = await db.selectFrom('accommodations').selectAll().where('context_id', '=', contextId).execute();
      const out: Record<string, Accommodations> = {};
      for (const r of rows) out[r.user_id] = toAccommodations(r);
      return out;
    },

    eventsAfter: async (contextId, afterLogId, limit) =>
      (
        await db
          .selectFrom('responses')
          .selectAll()
          .where('context_id', '=', contextId)
          .where('id', '>', afterLogId)
          .orderBy('id')
          .limit(limit)
          .execute()
      ).map(toEvent),

    contextsWithEvents: async () =>
      (await db.selectFrom('responses').select('context_id').distinct().orderBy('context_id').execute()).map((r) => r.context_id),

    rebuildProjection: (contextId, replay, itemIds, flagsOf, now) =>
      db.transaction().execute(async (trx) => {
        // Every submission starts by upserting + locking its learners row, then writes the log. Taking the learners
        // table in EXCLUSIVE mode first (same order, so no deadlock) waits for submissions in flight and holds new
        // ones back (reads go on) until we commit: the replay sees every event the projection will claim to include.
        if (dialect === 'postgres') await sql`lock table learners in exclusive mode`.execute(trx);
        const readPage = async (afterLogId: number, limit: number) =>
          (
            await trx.selectFrom('responses').selectAll().where('context_id', '=', contextId).where('id', '>', afterLogId).orderBy('id').limit(limit).execute()
          ).map(toEvent);
        const state: EngineState = await replay(readPage);
        const at = now();
        await trx.deleteFrom('explanations').where('context_id', '=', contextId).execute();
        await trx.deleteFrom('learner_objectives').where('context_id', '=', contextId).execute();
        await trx.deleteFrom('learners').where('context_id', '=', contextId).execute();
        // Item statistics go back to their authored difficulty, then take the replayed values.
        for (const part of chunks(itemIds)) {
          await trx
            .updateTable('item_stats')
            .set((eb) => ({ difficulty: eb.ref('initial_difficulty'), n: 0, correct: 0, mastered_n: 0, mastered_correct: 0, flagged: 0, flag_reason: null, updated_at: at }))
            .where('item_id', 'in', part)
            .execute();
        }
        const tx = engineTx(trx, 'sqlite');
        const learnerRows = [...state.students.values()].map((s) => ({
          user_id: s.studentId,
          context_id: contextId,
          ability: s.ability,
          ability_weights: s.weights ? JSON.stringify(s.weights) : null,
          overrides: JSON.stringify([...s.overrides]),
          recent_items: JSON.stringify(s.recentItems),
          events: 0,
          updated_at: at,
        }));
        const eventCounts = new Map<string, number>();
        // Count events per learner so `events` matches the incremental path.
        const counts = await trx
          .selectFrom('responses')
          .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('context_id', '=', contextId)
          .groupBy('user_id')
          .execute();
        for (const c of counts) if (c.user_id !== null) eventCounts.set(c.user_id, Number(c.n));
        for (const part of chunks(learnerRows)) {
          await trx.insertInto('learners').values(part.map((r) => ({ ...r, events: eventCounts.get(r.user_id) ?? 0 }))).execute();
        }
        for (const s of state.students.values()) await tx.saveProgress(contextId, s.studentId, Object.values(s.objectives), at);
        for (const [itemId, stats] of state.items) await tx.saveItemStats(itemId, stats, flagsOf(stats), at);
        await tx.addExplanations(contextId, state.explanations);
        await tx.flush();
        // The accommodations read model is the fold's too (the latest accommodations_set per learner).
        await trx.deleteFrom('accommodations').where('context_id', '=', contextId).execute();
        for (const s of state.students.values()) {
          const a = s.accommodations;
          if (a) {
            const full = { thresholdOffset: a.thresholdOffset ?? 0, extraCycles: a.extraCycles ?? 0, extraOpportunities: a.extraOpportunities ?? 0, timeMultiplier: a.timeMultiplier ?? 1 };
            await accommodationsUpsert(trx, contextId, s.studentId, full, at).execute();
          }
        }
        return state;
      }),
  };
};
