import type { Kysely } from 'kysely';
import { isPostgres } from '../dialectHelpers.js';

/**
 * Authoring (docs/decisions/0016-authoring-drafts-and-content-events.md):
 * - `course_drafts`: one draft per course, a whole `masterly-course/1` document (JSON text) that instructor pages
 *   edit; Publish applies it through the course import and deletes it, so students never see it half-edited.
 * - `media`: images uploaded for lessons and items, in the database so every app process can serve them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('course_drafts')
    .addColumn('context_id', 'text', (c) => c.primaryKey())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('context_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('bytes', isPostgres(db) ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_context').on('media').columns(['context_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('media').execute();
  await db.schema.dropTable('course_drafts').execute();
}
