import type { Kysely } from 'kysely';

/**
 * Grade semantics and LMS timestamps (docs/decisions/0012-grade-semantics.md):
 * - grade_outbox.last_timestamp: the AGS `timestamp` (epoch ms, whole seconds) last sent for this line item and user.
 *   Every score goes out strictly later, at one-second resolution, whichever worker sends it (Moodle refuses a score
 *   whose timestamp is not later than the stored grade's with 409).
 * - grade_objective_states.mastered_at: when the learner mastered the objective ("Mastered on 3 Dec 2026").
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('grade_outbox').addColumn('last_timestamp', 'bigint').execute();
  await db.schema.alterTable('grade_objective_states').addColumn('mastered_at', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('grade_objective_states').dropColumn('mastered_at').execute();
  await db.schema.alterTable('grade_outbox').dropColumn('last_timestamp').execute();
}
