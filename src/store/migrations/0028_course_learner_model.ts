import type { Kysely } from 'kysely';

/**
 * The course-level learner model (docs/decisions/0027-course-level-learner-model.md, 0028-…): the fit service stores
 * it with the course (per-item guess/slip, each objective's parameters under the model, the ability coefficients,
 * learning from reteach and forgetting per day) and appends a course-wide `model_fitted` event carrying the same
 * values to the log, so a replay can apply it at its place.
 * - engine_courses.learner_model: the model as JSON, null until fitted.
 * - engine_courses.learner_model_fitted_at: epoch ms of that fit.
 * - learners.ability_weights: the learner's ability posterior on the model's 9 nodes (JSON), null until the model
 *   traced one of their answers; each objective's node P(known) lives in learner_objectives.data with its progress.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('engine_courses').addColumn('learner_model', 'text').execute();
  await db.schema.alterTable('engine_courses').addColumn('learner_model_fitted_at', 'bigint').execute();
  await db.schema.alterTable('learners').addColumn('ability_weights', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('learners').dropColumn('ability_weights').execute();
  await db.schema.alterTable('engine_courses').dropColumn('learner_model_fitted_at').execute();
  await db.schema.alterTable('engine_courses').dropColumn('learner_model').execute();
}
