import type { Kysely } from 'kysely';

/**
 * Final grades (docs/decisions/0012-grade-semantics.md): when the instructor finalised a course's grades, and when a
 * learner's objective was closed by its grade due date (so the due-date schedule visits each standing once).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('grade_policies').addColumn('finalised_at', 'bigint').execute();
  await db.schema.alterTable('grade_objective_states').addColumn('due_closed_at', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('grade_objective_states').dropColumn('due_closed_at').execute();
  await db.schema.alterTable('grade_policies').dropColumn('finalised_at').execute();
}
