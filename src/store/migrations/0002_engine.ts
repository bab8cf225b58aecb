import type { Kysely } from 'kysely';
import { autoId } from '../dialectHelpers.js';

/**
 * Engine tables: per-context course settings, objectives and their prerequisites, items, content,
 * the append-only learning event log (source of truth), the learner × objective projection rebuilt from it,
 * explanations of every state change, accommodations and Elo item statistics.
 * Conventions: src/store/dialectHelpers.ts (epoch-ms bigint, 0/1 integers, JSON as text).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('engine_courses')
    .addColumn('context_id', 'text', (c) => c.primaryKey().references('contexts.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mastery_threshold', 'double precision', (c) => c.notNull().defaultTo(0.95))
    .addColumn('aggregation_method', 'text', (c) => c.notNull().defaultTo('decaying_average'))
    .addColumn('aggregation_weight', 'integer', (c) => c.notNull().defaultTo(65))
    .addColumn('aggregation_n', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('objectives')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('response_kind', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('bkt_prior', 'double precision', (c) => c.notNull())
    .addColumn('bkt_learn', 'double precision', (c) => c.notNull())
    .addColumn('bkt_guess', 'double precision', (c) => c.notNull())
    .addColumn('bkt_slip', 'double precision', (c) => c.notNull())
    .addColumn('bkt_forget', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('bkt_fitted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bkt_fitted_at', 'bigint')
    .addColumn('release_at', 'bigint')
    .addColumn('released_override', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('grade_due_at', 'bigint')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('objectives_context_key_uq', ['context_id', 'key'])
    .execute();

  await db.schema
    .createTable('objective_prerequisites')
    .addColumn('objective_id', 'text', (c) => c.notNull().references('objectives.id').onDelete('cascade'))
    .addColumn('prerequisite_id', 'text', (c) => c.notNull().references('objectives.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('objective_prerequisites_pk', ['objective_id', 'prerequisite_id'])
    .execute();

  await db.schema
    .createTable('items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('objective_id', 'text', (c) => c.notNull().references('objectives.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    // choices, answer, feedback, hint: the answer never leaves the server (presenters drop it).
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('items_context_key_uq', ['context_id', 'key'])
    .execute();
  await db.schema.createIndex('items_objective_idx').on('items').columns(['objective_id', 'position']).execute();

  await db.schema
    .createTable('content')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('objective_id', 'text', (c) => c.notNull().references('objectives.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('content_context_key_uq', ['context_id', 'key'])
    .execute();
  await db.schema.createIndex('content_objective_idx').on('content').columns(['objective_id', 'kind', 'position']).execute();

  // The append-only event log: responses, plus the few non-response events the projection needs
  // (a check started with its items, a reteach page read, "move on"). Never updated, never deleted.
  let responses = db.schema.createTable('responses');
  responses = autoId(db, responses)
    .addColumn('attempt_id', 'text', (c) => c.notNull().unique())
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('objective_id', 'text', (c) => c.notNull().references('objectives.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull().defaultTo('response'))
    .addColumn('item_id', 'text')
    .addColumn('correct', 'integer')
    .addColumn('answer', 'text')
    .addColumn('phase', 'text')
    .addColumn('data', 'text')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull());
  await responses.execute();
  await db.schema.createIndex('responses_learner_idx').on('responses').columns(['context_id', 'user_id', 'id']).execute();
  await db.schema.createIndex('responses_objective_idx').on('responses').columns(['objective_id', 'id']).execute();
  await db.schema.createIndex('responses_item_idx').on('responses').columns(['item_id']).execute();

  await db.schema
    .createTable('learner_objectives')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('objective_id', 'text', (c) => c.notNull().references('objectives.id').onDelete('cascade'))
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('p', 'double precision', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('responses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cycles', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stuck', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_check_item_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('locked_grade', 'double precision')
    // The domain's full ObjectiveProgress (JSON), so replay and incremental updates share one shape;
    // the columns above are copies for queries (instructor views, the grade outbox).
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('learner_objectives_pk', ['user_id', 'objective_id'])
    .execute();
  await db.schema.createIndex('learner_objectives_context_idx').on('learner_objectives').columns(['context_id', 'user_id']).execute();
  await db.schema.createIndex('learner_objectives_state_idx').on('learner_objectives').columns(['context_id', 'state']).execute();

  // Per learner × context part of the projection: Elo ability, instructor overrides, recently seen items.
  // Its row is also the lock that serialises one learner's submissions (SELECT … FOR UPDATE on PostgreSQL).
  await db.schema
    .createTable('learners')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('ability', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('overrides', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('recent_items', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('events', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('learners_pk', ['user_id', 'context_id'])
    .execute();
  await db.schema.createIndex('learners_context_idx').on('learners').column('context_id').execute();

  let explanations = db.schema.createTable('explanations');
  explanations = autoId(db, explanations)
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('objective_id', 'text', (c) => c.notNull().references('objectives.id').onDelete('cascade'))
    .addColumn('event_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull());
  await explanations.execute();
  await db.schema.createIndex('explanations_learner_idx').on('explanations').columns(['context_id', 'user_id', 'objective_id', 'id']).execute();

  await db.schema
    .createTable('accommodations')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
    .addColumn('threshold_offset', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('extra_cycles', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extra_opportunities', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('time_multiplier', 'double precision', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('accommodations_pk', ['user_id', 'context_id'])
    .execute();

  await db.schema
    .createTable('item_stats')
    .addColumn('item_id', 'text', (c) => c.primaryKey().references('items.id').onDelete('cascade'))
    .addColumn('difficulty', 'double precision', (c) => c.notNull())
    .addColumn('initial_difficulty', 'double precision', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('correct', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mastered_n', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mastered_correct', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('flag_reason', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'item_stats',
    'accommodations',
    'explanations',
    'learner_objectives',
    'learners',
    'responses',
    'content',
    'items',
    'objective_prerequisites',
    'objectives',
    'engine_courses',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
