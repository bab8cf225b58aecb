import type { Kysely } from 'kysely';

/**
 * Framing that matches each LMS: the page that frames the tool is the school's LMS domain (Canvas:
 * `school.instructure.com` or a custom domain), not the platform's auth URL. `platforms.lms_url` is the LMS address
 * an administrator may set; `platform_frame_origins` holds origins learned from validated launches (a few per
 * platform, bounded by the insert).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('platforms').addColumn('lms_url', 'text').execute();
  await db.schema
    .createTable('platform_frame_origins')
    .addColumn('platform_id', 'text', (c) => c.notNull().references('platforms.id').onDelete('cascade'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('platform_frame_origins_pk', ['platform_id', 'origin'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('platform_frame_origins').execute();
  await db.schema.alterTable('platforms').dropColumn('lms_url').execute();
}
