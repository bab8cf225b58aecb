/**
 * Goals and check confidence (migration 0026), and the reads of badges and history from `explanations` and the
 * `responses` log (src/services/studentGoalPorts.ts). One code path for both dialects.
 */
import type { Kysely } from 'kysely';
import type { Confidence, StudentGoalStore } from '../services/studentGoalPorts.js';
import type { Database } from './schema.js';

function checkOf(evidence: string): { correct: number | null; length: number | null } {
  try {
    const e = JSON.parse(evidence) as { checkCorrect?: unknown; checkLength?: unknown };
    return { correct: typeof e.checkCorrect === 'number' ? e.checkCorrect : null, length: typeof e.checkLength === 'number' ? e.checkLength : null };
  } catch {
    return { correct: null, length: null };
  }
}

export const studentGoalRepo = (db: Kysely<Database>): StudentGoalStore => ({
  goal: async (contextId, userId) => {
    const r = await db.selectFrom('student_goals').selectAll().where('context_id', '=', contextId).where('user_id', '=', userId).executeTakeFirst();
    return r ? { objectiveId: r.objective_id, targetDate: r.target_date, setAt: Number(r.set_at) } : undefined;
  },

  saveGoal: async (contextId, userId, goal) => {
    await db
      .insertInto('student_goals')
      .values({ context_id: contextId, user_id: userId, objective_id: goal.objectiveId, target_date: goal.targetDate, set_at: goal.setAt })
      .onConflict((oc) => oc.columns(['context_id', 'user_id']).doUpdateSet({ objective_id: goal.objectiveId, target_date: goal.targetDate, set_at: goal.setAt }))
      .execute();
  },

  removeGoal: async (contextId, userId) =>
    Number((await db.deleteFrom('student_goals').where('context_id', '=', contextId).where('user_id', '=', userId).executeTakeFirst()).numDeletedRows) > 0,

  saveConfidence: async (row) =>
    Number(
      (
        await db
          .insertInto('check_confidence')
          .values({ context_id: row.contextId, user_id: row.userId, objective_id: row.objectiveId, check_started_at: row.checkStartedAt, confidence: row.confidence, said_at: row.at })
          .onConflict((oc) => oc.columns(['context_id', 'user_id', 'objective_id', 'check_started_at']).doNothing())
          .executeTakeFirst()
      ).numInsertedOrUpdatedRows ?? 0,
    ) > 0,

  confidence: async (contextId, userId, objectiveId, checkStartedAt) => {
    const r = await db
      .selectFrom('check_confidence')
      .select('confidence')
      .where('context_id', '=', contextId)
      .where('user_id', '=', userId)
      .where('objective_id', '=', objectiveId)
      .where('check_started_at', '=', checkStartedAt)
      .executeTakeFirst();
    // Only the service writes this column, with a checked value (services/checkConfidence.ts reads it back checked too).
    return r ? (r.confidence as Confidence) : undefined;
  },

  badges: async (contextId, userId) => {
    const rows = await db
      .selectFrom('explanations')
      .select(['objective_id'])
      .select((eb) => eb.fn.min('at').as('earned_at'))
      .where('context_id', '=', contextId)
      .where('user_id', '=', userId)
      .where('kind', '=', 'mastered')
      .groupBy('objective_id')
      .execute();
    return rows.map((r) => ({ objectiveId: r.objective_id, earnedAt: Number(r.earned_at) })).sort((a, b) => a.earnedAt - b.earnedAt || a.objectiveId.localeCompare(b.objectiveId));
  },

  activity: async (contextId, userId, limit) => {
    const responses = await db
      .selectFrom('responses')
      .select(['occurred_at', 'objective_id', 'phase', 'correct'])
      .where('context_id', '=', contextId)
      .where('user_id', '=', userId)
      .where('type', '=', 'response')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const changes = await db
      .selectFrom('explanations')
      .select(['at', 'objective_id', 'kind', 'rule', 'evidence'])
      .where('context_id', '=', contextId)
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return {
      responses: responses.flatMap((r) => (r.objective_id === null ? [] : [{ at: Number(r.occurred_at), objectiveId: r.objective_id, phase: r.phase, correct: r.correct === null ? null : r.correct === 1 }])),
      changes: changes.map((c) => {
        const check = checkOf(c.evidence);
        return { at: Number(c.at), objectiveId: c.objective_id, kind: c.kind, rule: c.rule, checkCorrect: check.correct, checkLength: check.length };
      }),
    };
  },
});
