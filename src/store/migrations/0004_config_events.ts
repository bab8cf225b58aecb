import type { Kysely } from 'kysely';
import { autoId, isPostgres } from '../dialectHelpers.js';

/**
 * Settings that change how the engine traces later events become events of the log, so a recompute replays
 * them in order and rebuilds exactly the projection that was built incrementally: `accommodations_set` (one
 * student, no objective) and `params_fitted` (course-wide: no student). The log's user_id and objective_id become nullable for them, and objectives keep
 * the course file's BKT parameters (`bkt_authored`, JSON) apart from the fitted ones the replay starts from.
 *
 * Existing data: authored parameters are taken from today's values (for an objective already fitted they are
 * the fitted ones: the log has no earlier fit to replay), and every saved accommodation is appended as an
 * `accommodations_set` event dated when it was saved, so the log reproduces today's accommodations.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema.alterTable('responses').alterColumn('user_id', (c) => c.dropNotNull()).execute();
    await db.schema.alterTable('responses').alterColumn('objective_id', (c) => c.dropNotNull()).execute();
  } else {
    // SQLite cannot drop NOT NULL: rebuild the table (nothing references it) with the same ids.
    let next = db.schema.createTable('responses_next');
    next = autoId(db, next)
      .addColumn('attempt_id', 'text', (c) => c.notNull().unique())
      .addColumn('context_id', 'text', (c) => c.notNull().references('contexts.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('objective_id', 'text', (c) => c.references('objectives.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull().defaultTo('response'))
      .addColumn('item_id', 'text')
      .addColumn('correct', 'integer')
      .addColumn('answer', 'text')
      .addColumn('phase', 'text')
      .addColumn('data', 'text')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull());
    await next.execute();
    const cols = ['id', 'attempt_id', 'context_id', 'user_id', 'objective_id', 'type', 'item_id', 'correct', 'answer', 'phase', 'data', 'occurred_at'] as const;
    await db.insertInto('responses_next').columns([...cols]).expression(db.selectFrom('responses').select([...cols])).execute();
    await db.schema.dropTable('responses').execute();
    await db.schema.alterTable('responses_next').renameTo('responses').execute();
    await db.schema.createIndex('responses_learner_idx').on('responses').columns(['context_id', 'user_id', 'id']).execute();
    await db.schema.createIndex('responses_objective_idx').on('responses').columns(['objective_id', 'id']).execute();
    await db.schema.createIndex('responses_item_idx').on('responses').columns(['item_id']).execute();
  }

  await db.schema.alterTable('objectives').addColumn('bkt_authored', 'text').execute();
  const objectives = (await db.selectFrom('objectives').select(['id', 'bkt_prior', 'bkt_learn', 'bkt_guess', 'bkt_slip', 'bkt_forget']).execute()) as {
    id: string;
    bkt_prior: number;
    bkt_learn: number;
    bkt_guess: number;
    bkt_slip: number;
    bkt_forget: number;
  }[];
  for (const o of objectives) {
    const authored = { prior: o.bkt_prior, learn: o.bkt_learn, guess: o.bkt_guess, slip: o.bkt_slip, forget: o.bkt_forget };
    await db.updateTable('objectives').set({ bkt_authored: JSON.stringify(authored) }).where('id', '=', o.id).execute();
  }

  const saved = (await db.selectFrom('accommodations').selectAll().orderBy('updated_at').orderBy('context_id').orderBy('user_id').execute()) as {
    user_id: string;
    context_id: string;
    threshold_offset: number;
    extra_cycles: number;
    extra_opportunities: number;
    time_multiplier: number;
    updated_at: number | string;
  }[];
  for (const a of saved) {
    const values = { thresholdOffset: a.threshold_offset, extraCycles: a.extra_cycles, extraOpportunities: a.extra_opportunities, timeMultiplier: a.time_multiplier };
    await db
      .insertInto('responses')
      .values({
        attempt_id: `accommodations-migrated:${a.context_id}:${a.user_id}`,
        context_id: a.context_id,
        user_id: a.user_id,
        objective_id: null,
        type: 'accommodations_set',
        data: JSON.stringify(values),
        occurred_at: Number(a.updated_at),
      })
      .execute();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('responses').where('type', 'in', ['accommodations_set', 'params_fitted']).execute();
  await db.schema.alterTable('objectives').dropColumn('bkt_authored').execute();
  if (isPostgres(db)) {
    await db.schema.alterTable('responses').alterColumn('user_id', (c) => c.setNotNull()).execute();
    await db.schema.alterTable('responses').alterColumn('objective_id', (c) => c.setNotNull()).execute();
  }
}
