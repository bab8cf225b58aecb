import type { Kysely } from 'kysely';

/** Timed mastery checks (ADR 0023): the course's check time limit in minutes; null = untimed (the default). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('engine_courses').addColumn('check_time_limit_minutes', 'integer').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('engine_courses').dropColumn('check_time_limit_minutes').execute();
}
