import type { Kysely } from 'kysely';
import { autoId } from '../dialectHelpers.js';

/**
 * LTI Advantage services: grade policy and gradebook projection, line items, the grade outbox (also the
 * instructors' ledger), NRPS roster and LMS-grade evidence maps. See docs/decisions/0003-grade-outbox.md.
 * Conventions: src/store/dialectHelpers.ts (epoch-ms bigint, 0/1 integers, JSON as text).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('grade_policies')
    .addColumn('context_id', 'text', (c) => c.primaryKey().references('contexts.id').onDelete('cascade'))
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('calculation_json', 'text')
    .addColumn('per_objective', 'integer', (c) => c.notNull())
    .addColumn('per_activity', 'integer', (c) => c.notNull())
    .addColumn('score_maximum', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('grade_objective_states')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('objective_id', 'text', (c) => c.notNull())
    .addColumn('p', 'double precision', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('history_json', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('grade_objective_states_pk', ['context_id', 'user_id', 'objective_id'])
    .execute();

  await db.schema
    .createTable('grade_activities')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('objective_ids_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('grade_activities_pk', ['context_id', 'activity_id'])
    .execute();

  await db.schema
    .createTable('grade_line_items')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('score_maximum', 'double precision', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('line_item_url', 'text')
    .addColumn('claimed_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('grade_line_items_pk', ['context_id', 'item_key'])
    .execute();

  await autoId(db, db.schema.createTable('grade_outbox'))
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('score_given', 'double precision', (c) => c.notNull())
    .addColumn('score_maximum', 'double precision', (c) => c.notNull())
    .addColumn('activity_progress', 'text', (c) => c.notNull())
    .addColumn('grading_progress', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('event_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('failure_reason', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_version', 'integer')
    .addColumn('sent_score', 'double precision')
    .addColumn('sent_event_at', 'bigint')
    .addColumn('sent_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('grade_outbox_key_uq', ['context_id', 'user_id', 'item_key'])
    .execute();
  await db.schema.createIndex('grade_outbox_due_idx').on('grade_outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('roster_members')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('user_sub', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('given_name', 'text')
    .addColumn('family_name', 'text')
    .addColumn('email', 'text')
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('roster_members_pk', ['context_id', 'scope', 'user_sub'])
    .execute();

  await db.schema
    .createTable('roster_syncs')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('differences_url', 'text')
    .addColumn('member_count', 'integer', (c) => c.notNull())
    .addColumn('synced_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('roster_syncs_pk', ['context_id', 'scope'])
    .execute();

  await db.schema
    .createTable('lms_evidence_maps')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('line_item_url', 'text', (c) => c.notNull())
    .addColumn('objective_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('lms_evidence_maps_pk', ['context_id', 'line_item_url'])
    .execute();

  await db.schema
    .createTable('lms_evidence_seen')
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('line_item_url', 'text', (c) => c.notNull())
    .addColumn('user_sub', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('lms_evidence_seen_pk', ['context_id', 'line_item_url', 'user_sub'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'lms_evidence_seen',
    'lms_evidence_maps',
    'roster_syncs',
    'roster_members',
    'grade_outbox',
    'grade_line_items',
    'grade_activities',
    'grade_objective_states',
    'grade_policies',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
