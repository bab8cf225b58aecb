import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialectHelpers.js';
import type { ObjectiveResponseKind } from '../domain/bkt.js';
import type { Explanation } from '../domain/explain.js';
import type { FitRefusal } from '../domain/fitBkt.js';
import type { CourseModelJson, CourseResponse } from '../domain/fitItems.js';
import type { ObjectiveProgress } from '../domain/projection.js';
import type { LearnerProjection } from '../services/enginePorts.js';
import type { CoursePerson, FitCandidate, FitStore, InstructorStore, RosterOnlyMember, RosterStatus } from '../services/instructorPorts.js';
import type { Database } from './schema.js';
import { toExplanation } from './learnerRepo.js';
import { exportResponses } from './responsesExport.js';

const CHUNK = 200;
const chunks = <T>(xs: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};

/** An enrollment's or roster member's stored roles (a JSON array; [] when unreadable). */
export const parseRoles = (json: string): string[] => {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
};

const nameOf = (u: { name: string | null; given_name: string | null; family_name: string | null; email: string | null }): string =>
  u.name?.trim() || [u.given_name, u.family_name].filter(Boolean).join(' ') || u.email || '';

const asStatus = (s: string): RosterStatus => (s === 'inactive' || s === 'deleted' ? s : 'active');

/** The context-wide NRPS roster (scope ''), each member with their users.id on the context's platform when they have one. */
function rosterQuery(db: Kysely<Database>, contextId: string) {
  return db
    .selectFrom('roster_members as m')
    .innerJoin('contexts as c', 'c.id', 'm.context_id')
    .leftJoin('users as u', (j) => j.onRef('u.platform_id', '=', 'c.platform_id').onRef('u.sub', '=', 'm.user_sub'))
    .select(['m.user_sub', 'm.name', 'm.given_name', 'm.family_name', 'm.email', 'm.roles', 'm.status', 'u.id as user_id'])
    .where('m.context_id', '=', contextId)
    .where('m.scope', '=', '');
}

/** The whole context-wide roster, in name order. */
async function rosterOf(db: Kysely<Database>, contextId: string) {
  return rosterQuery(db, contextId)
    .orderBy('m.family_name')
    .orderBy('m.given_name')
    .orderBy('m.user_sub')
    .execute();
}

/** Instructor dashboard reads (same code on PostgreSQL and SQLite). */
export const instructorStore = (db: Kysely<Database>): InstructorStore => ({
  people: async (contextId) => {
    const [learners, progress, enrollments, activity, roster] = await Promise.all([
      db.selectFrom('learners').selectAll().where('context_id', '=', contextId).execute(),
      db.selectFrom('learner_objectives').select(['user_id', 'data']).where('context_id', '=', contextId).execute(),
      db.selectFrom('enrollments').select(['user_id', 'roles']).where('context_id', '=', contextId).execute(),
      db
        .selectFrom('responses')
        .select(['user_id', (eb) => eb.fn.max('occurred_at').as('last')])
        .where('context_id', '=', contextId)
        .where('type', '=', 'response')
        .groupBy('user_id')
        .execute(),
      rosterOf(db, contextId),
    ]);
    const rosterStatus = new Map(roster.filter((m) => m.user_id !== null).map((m) => [m.user_id as string, asStatus(m.status)]));
    const ids = [...new Set([...learners.map((l) => l.user_id), ...enrollments.map((e) => e.user_id)])];
    const users = new Map<string, { name: string }>();
    for (const part of chunks(ids)) {
      const rows = await db.selectFrom('users').select(['id', 'name', 'given_name', 'family_name', 'email']).where('id', 'in', part).execute();
      for (const u of rows) users.set(u.id, { name: nameOf(u) });
    }
    const objectives = new Map<string, ObjectiveProgress[]>();
    for (const p of progress) {
      const list = objectives.get(p.user_id) ?? [];
      list.push(JSON.parse(p.data) as ObjectiveProgress);
      objectives.set(p.user_id, list);
    }
    const slices = new Map<string, LearnerProjection>(
      learners.map((l) => [
        l.user_id,
        {
          ability: l.ability,
          overrides: JSON.parse(l.overrides) as string[],
          recentItems: JSON.parse(l.recent_items) as string[],
          events: l.events,
          objectives: objectives.get(l.user_id) ?? [],
          accommodations: null,
          courseVersion: 0,
        },
      ]),
    );
    const roles = new Map(enrollments.map((e) => [e.user_id, parseRoles(e.roles)]));
    const last = new Map(activity.filter((a) => a.user_id !== null).map((a) => [a.user_id as string, a.last === null || a.last === undefined ? null : Number(a.last)]));
    return ids
      .filter((id) => users.has(id))
      .map(
        (id): CoursePerson => ({
          userId: id,
          name: users.get(id)?.name ?? '',
          roles: roles.get(id) ?? [],
          lastActivityAt: last.get(id) ?? null,
          learner: slices.get(id),
          rosterStatus: rosterStatus.get(id) ?? null,
        }),
      );
  },

  rosterOnly: async (contextId) => {
    const [roster, learners, enrollments] = await Promise.all([
      rosterOf(db, contextId),
      db.selectFrom('learners').select('user_id').where('context_id', '=', contextId).execute(),
      db.selectFrom('enrollments').select('user_id').where('context_id', '=', contextId).execute(),
    ]);
    const known = new Set([...learners.map((l) => l.user_id), ...enrollments.map((e) => e.user_id)]);
    return roster
      .filter((m) => m.user_id === null || !known.has(m.user_id))
      .map((m): RosterOnlyMember => ({ userSub: m.user_sub, userId: m.user_id, name: nameOf(m), roles: parseRoles(m.roles), status: asStatus(m.status) }));
  },

  rosterMember: async (contextId, userSub) => {
    const m = await rosterQuery(db, contextId).where('m.user_sub', '=', userSub).executeTakeFirst();
    if (!m) return null;
    const uid = m.user_id;
    const known =
      uid !== null &&
      ((await db.selectFrom('learners').select('user_id').where('context_id', '=', contextId).where('user_id', '=', uid).executeTakeFirst()) !== undefined ||
        (await db.selectFrom('enrollments').select('user_id').where('context_id', '=', contextId).where('user_id', '=', uid).executeTakeFirst()) !== undefined);
    return { userSub: m.user_sub, userId: uid, name: nameOf(m), roles: parseRoles(m.roles), status: asStatus(m.status), launched: known };
  },

  latestExplanations: async (contextId, pairs) => {
    const out = new Map<string, Explanation>();
    const wanted = new Set(pairs.map((p) => `${p.userId}:${p.objectiveId}`));
    const userIds = [...new Set(pairs.map((p) => p.userId))];
    for (const part of chunks(userIds)) {
      const rows = await db
        .selectFrom('explanations')
        .selectAll()
        .where('context_id', '=', contextId)
        .where('user_id', 'in', part)
        .orderBy('id', 'desc')
        .execute();
      for (const r of rows) {
        const key = `${r.user_id}:${r.objective_id}`;
        if (wanted.has(key) && !out.has(key)) out.set(key, toExplanation(r));
      }
    }
    return out;
  },

  fittedAt: async (contextId) => {
    const rows = await db
      .selectFrom('objectives')
      .select(['id', 'bkt_fitted_at'])
      .where('context_id', '=', contextId)
      .where('bkt_fitted', '=', 1)
      .execute();
    return new Map(rows.filter((r) => r.bkt_fitted_at !== null).map((r) => [r.id, Number(r.bkt_fitted_at)]));
  },

  fitRefusals: async (contextId) => {
    const rows = await db
      .selectFrom('objectives')
      .select(['id', 'bkt_fit_refused', 'bkt_fit_refused_at'])
      .where('context_id', '=', contextId)
      .where('bkt_fit_refused', 'is not', null)
      .execute();
    return new Map(rows.map((r) => [r.id, { code: r.bkt_fit_refused as FitRefusal, at: Number(r.bkt_fit_refused_at) }]));
  },

  exportResponses: (contextId) => exportResponses(db, contextId),

});

/** What the background BKT fitting reads and writes. */
export const fitStore = (db: Kysely<Database>): FitStore => ({
  contextsWithResponses: async () =>
    (await db.selectFrom('responses').select('context_id').where('type', '=', 'response').distinct().orderBy('context_id').execute()).map((r) => r.context_id),

  fitCandidates: async (contextId) => {
    const [objectives, counts] = await Promise.all([
      db
        .selectFrom('objectives')
        .select(['id', 'context_id', 'response_kind', 'bkt_prior', 'bkt_learn', 'bkt_guess', 'bkt_slip', 'bkt_forget', 'bkt_fitted', 'bkt_fitted_at', 'bkt_fit_refused_at'])
        .where('context_id', '=', contextId)
        .where('active', '=', 1)
        .orderBy('position')
        .execute(),
      db
        .selectFrom('responses')
        .select(['objective_id', 'user_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('occurred_at').as('last')])
        .where('context_id', '=', contextId)
        .where('type', '=', 'response')
        .groupBy(['objective_id', 'user_id'])
        .execute(),
    ]);
    const lengths = new Map<string, number[]>();
    const last = new Map<string, number>();
    for (const c of counts) {
      if (c.objective_id === null) continue;
      const list = lengths.get(c.objective_id) ?? [];
      list.push(Number(c.n));
      lengths.set(c.objective_id, list);
      const at = Number(c.last);
      if (at > (last.get(c.objective_id) ?? -Infinity)) last.set(c.objective_id, at);
    }
    return objectives.map(
      (o): FitCandidate => ({
        objectiveId: o.id,
        contextId: o.context_id,
        responseKind: o.response_kind as ObjectiveResponseKind,
        params: { prior: o.bkt_prior, learn: o.bkt_learn, guess: o.bkt_guess, slip: o.bkt_slip, forget: o.bkt_forget },
        sequenceLengths: lengths.get(o.id) ?? [],
        lastResponseAt: last.get(o.id) ?? null,
        fittedAt: o.bkt_fitted === 1 && o.bkt_fitted_at !== null ? Number(o.bkt_fitted_at) : null,
        refusedAt: o.bkt_fit_refused_at === null ? null : Number(o.bkt_fit_refused_at),
      }),
    );
  },

  responseSequences: async (objectiveId) => {
    const rows = await db
      .selectFrom('responses')
      .select(['user_id', 'correct'])
      .where('objective_id', '=', objectiveId)
      .where('type', '=', 'response')
      .orderBy('user_id')
      .orderBy('id')
      .execute();
    const out: boolean[][] = [];
    let user: string | null = null;
    let seq: boolean[] = [];
    for (const r of rows) {
      if (r.user_id === null) continue;
      if (r.user_id !== user) {
        if (seq.length) out.push(seq);
        seq = [];
        user = r.user_id;
      }
      seq.push(r.correct === 1);
    }
    if (seq.length) out.push(seq);
    return out;
  },

  courseSequences: async (contextId) => {
    const rows = await db
      .selectFrom('responses as r')
      .select(['r.user_id', 'r.objective_id', 'r.item_id', 'r.correct', 'r.occurred_at'])
      .select((eb) =>
        eb
          .case()
          .when(
            eb.exists(
              eb
                .selectFrom('explanations as x')
                .select('x.id')
                .whereRef('x.context_id', '=', 'r.context_id')
                .whereRef('x.user_id', '=', 'r.user_id')
                .whereRef('x.objective_id', '=', 'r.objective_id')
                .whereRef('x.event_id', '=', 'r.attempt_id')
                .where('x.to_state', '=', 'reteaching')
                .where('x.from_state', '<>', 'reteaching'),
            ),
          )
          .then(1)
          .else(0)
          .end()
          .as('reteach'),
      )
      .where('r.context_id', '=', contextId)
      .where('r.type', '=', 'response')
      .orderBy('r.user_id')
      .orderBy('r.id')
      .execute();
    const out: CourseResponse[][] = [];
    let user: string | null = null;
    for (const r of rows) {
      if (r.user_id === null || r.objective_id === null || r.item_id === null) continue;
      if (r.user_id !== user) {
        out.push([]);
        user = r.user_id;
      }
      (out.at(-1) as CourseResponse[]).push({ objectiveId: r.objective_id, itemId: r.item_id, correct: r.correct === 1, at: Number(r.occurred_at), reteach: Number(r.reteach) === 1 });
    }
    return out;
  },

  saveFittedParams: (contextId, objectiveId, p, at) =>
    db.transaction().execute(async (trx) => {
      // Like a recompute: wait for submissions in flight and hold new ones back, so every response after the
      // event in log order was traced with these parameters (a submission that loaded the old ones reloads).
      if (isPostgres(trx)) await sql`lock table learners in exclusive mode`.execute(trx);
      await trx
        .updateTable('objectives')
        .set({ bkt_prior: p.prior, bkt_learn: p.learn, bkt_guess: p.guess, bkt_slip: p.slip, bkt_forget: p.forget, bkt_fitted: 1, bkt_fitted_at: at, bkt_fit_refused: null, bkt_fit_refused_at: null, updated_at: at })
        .where('id', '=', objectiveId)
        .execute();
      await trx
        .insertInto('responses')
        .values({
          attempt_id: `fit:${randomUUID()}`,
          context_id: contextId,
          user_id: null,
          objective_id: objectiveId,
          type: 'params_fitted',
          item_id: null,
          correct: null,
          answer: null,
          phase: null,
          data: JSON.stringify({ prior: p.prior, learn: p.learn, guess: p.guess, slip: p.slip, forget: p.forget }),
          occurred_at: at,
        })
        .execute();
    }),

  saveCourseModel: (contextId, model, at) =>
    db.transaction().execute(async (trx) => {
      // As saveFittedParams: submissions in flight finish first, so the event's place in the log is where it applies.
      if (isPostgres(trx)) await sql`lock table learners in exclusive mode`.execute(trx);
      const data = JSON.stringify(model);
      await trx.updateTable('engine_courses').set({ learner_model: data, learner_model_fitted_at: at }).where('context_id', '=', contextId).execute();
      await trx
        .insertInto('responses')
        .values({ attempt_id: `model:${randomUUID()}`, context_id: contextId, user_id: null, objective_id: null, type: 'model_fitted', item_id: null, correct: null, answer: null, phase: null, data, occurred_at: at })
        .execute();
    }),

  courseModel: async (contextId) => {
    const row = await db.selectFrom('engine_courses').select(['learner_model', 'learner_model_fitted_at']).where('context_id', '=', contextId).executeTakeFirst();
    if (!row || row.learner_model === null || row.learner_model_fitted_at === null) return null;
    return { model: JSON.parse(row.learner_model) as CourseModelJson, fittedAt: Number(row.learner_model_fitted_at) };
  },

  saveFitRefusal: async (objectiveId, code, at) => {
    await db.updateTable('objectives').set({ bkt_fit_refused: code, bkt_fit_refused_at: at }).where('id', '=', objectiveId).execute();
  },
});
