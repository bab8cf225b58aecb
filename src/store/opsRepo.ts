import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The grade outbox's depth and its oldest pending event (for the metrics gauges; one indexed-enough aggregate). */
export async function outboxStats(db: Kysely<Database>): Promise<{ pending: number; oldestAt: number | null }> {
  const r = await db
    .selectFrom('grade_outbox')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { pending: Number(r.n), oldestAt: r.oldest === null ? null : Number(r.oldest) };
}
