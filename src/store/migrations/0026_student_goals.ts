import type { Kysely } from 'kysely';

/**
 * Students' goals and check confidence (docs/decisions/0024-student-goals-confidence-badges.md): one goal per learner
 * and course (a target objective and date), and how sure a learner said they were when a mastery check began, keyed
 * by the check's start. Neither feeds the engine: the event log and its replay do not read them. Badges and the
 * history are read from the explanations and the log, so they need no table.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('student_goals')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('objective_id', 'text', (c) => c.notNull())
    .addColumn('target_date', 'text', (c) => c.notNull())
    .addColumn('set_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('student_goals_pk', ['context_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('check_confidence')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('objective_id', 'text', (c) => c.notNull())
    .addColumn('check_started_at', 'bigint', (c) => c.notNull())
    .addColumn('confidence', 'text', (c) => c.notNull())
    .addColumn('said_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('check_confidence_pk', ['context_id', 'user_id', 'objective_id', 'check_started_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('check_confidence').execute();
  await db.schema.dropTable('student_goals').execute();
}
