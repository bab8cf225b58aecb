import type { Kysely } from 'kysely';

/**
 * The language of a course's LMS grade comments and alert e-mails (`contexts.language`, e.g. 'es'): student and
 * instructor read the same comment, so it is one course setting. Null until an instructor first launches the course
 * (their launch locale becomes the default); changed on the grade-sync page.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contexts').addColumn('language', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contexts').dropColumn('language').execute();
}
