import type { Kysely } from 'kysely';

/**
 * Instructor alerts (who is stuck, wheel-spinning, falling behind; grades the LMS refused): the alerts themselves
 * are computed from the same facts as the dashboard, so only what each instructor has read, and what an e-mail
 * digest already told them, is stored — one row per instructor and alert key.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instructor_alert_marks')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('alert_key', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'bigint')
    .addColumn('emailed_at', 'bigint')
    .addPrimaryKeyConstraint('instructor_alert_marks_pk', ['context_id', 'user_id', 'alert_key'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instructor_alert_marks').execute();
}
