import { sql, type Kysely } from 'kysely';

/**
 * One counted column per placement (docs/decisions/0014-placement-columns.md):
 * - grade_activities.line_item_url: the placement's own column, remembered from its launches' AGS `lineitem` claim
 *   (or found by resourceId after a deep link); resource_link_id: the resource link it came from; placed = 1 when the
 *   LMS makes the column (a deep-linked or hand-added activity): Masterly never creates one for it.
 * - grade_policies.activity_grade: what a placement's column holds ('percent_mastered' | 'mean_mastery' |
 *   'objective_grade').
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('grade_activities').addColumn('resource_link_id', 'text').execute();
  await db.schema.alterTable('grade_activities').addColumn('line_item_url', 'text').execute();
  await db.schema.alterTable('grade_activities').addColumn('placed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .alterTable('grade_policies')
    .addColumn('activity_grade', 'text', (c) => c.notNull().defaultTo(sql`'objective_grade'`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('grade_policies').dropColumn('activity_grade').execute();
  await db.schema.alterTable('grade_activities').dropColumn('placed').execute();
  await db.schema.alterTable('grade_activities').dropColumn('line_item_url').execute();
  await db.schema.alterTable('grade_activities').dropColumn('resource_link_id').execute();
}
