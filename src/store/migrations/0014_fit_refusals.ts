import type { Kysely } from 'kysely';

/**
 * Refused fits (docs/decisions/0013-learner-model-time-checks-refusals.md): when the background fit of an objective is
 * refused as degenerate (ADR 0010), the objective keeps its parameters and remembers why and when, so the
 * instructor dashboard can say so in plain language and the job does not refit it until new answers arrive.
 * - objectives.bkt_fit_refused: 'no_learning' | 'uninformative', or null (never refused, or fitted since).
 * - objectives.bkt_fit_refused_at: epoch ms of that refusal.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('objectives').addColumn('bkt_fit_refused', 'varchar(40)').execute();
  await db.schema.alterTable('objectives').addColumn('bkt_fit_refused_at', 'bigint').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are written against an untyped Kysely
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('objectives').dropColumn('bkt_fit_refused_at').execute();
  await db.schema.alterTable('objectives').dropColumn('bkt_fit_refused').execute();
}
