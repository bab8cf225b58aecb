/**
 * A course's responses in the pyBKT layout (issue 10 §5): one row per answer, in log order. Users are the tool's
 * own ids (no names or e-mail addresses), skills the objective keys, problems the item keys.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { PyBktResponse } from '../domain/csv.js';

/** One exported response (the pyBKT row). */
export type ExportedResponse = PyBktResponse;

/** Every answer of the context (type `response`, with a correctness), oldest first. */
export async function exportResponses(db: Kysely<Database>, contextId: string): Promise<ExportedResponse[]> {
  const rows = await db
    .selectFrom('responses as r')
    .innerJoin('objectives as o', 'o.id', 'r.objective_id')
    .leftJoin('items as i', 'i.id', 'r.item_id')
    .select(['r.id', 'r.user_id', 'o.key as skill', 'r.correct', 'i.key as item', 'r.occurred_at'])
    .where('r.context_id', '=', contextId)
    .where('r.type', '=', 'response')
    .where('r.correct', 'is not', null)
    .where('r.user_id', 'is not', null)
    .orderBy('r.id')
    .execute();
  return rows.map((r) => ({
    orderId: String(r.id),
    userId: r.user_id as string,
    skillName: r.skill,
    correct: r.correct === 1,
    problemId: r.item ?? null,
    at: Number(r.occurred_at),
  }));
}
