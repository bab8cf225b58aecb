/**
 * Factories for engine tests: rows go in through the real store (or plain inserts for the LTI foundation rows
 * the engine hangs off: a platform, a context, users).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../src/store/schema.js';

/** A platform + context row; returns the context row id. */
export async function aContext(db: Kysely<Database>, overrides: { title?: string } = {}): Promise<string> {
  const platformId = randomUUID();
  await db
    .insertInto('platforms')
    .values({
      id: platformId,
      issuer: `https://lms.example/${platformId}`,
      client_id: 'client',
      auth_url: 'https://lms.example/auth',
      token_url: 'https://lms.example/token',
      jwks_url: 'https://lms.example/jwks',
      name: 'Test LMS',
      created_at: 1,
    })
    .execute();
  const id = randomUUID();
  await db
    .insertInto('contexts')
    .values({ id, platform_id: platformId, context_id: `course-${id}`, label: 'FRAC', title: overrides.title ?? 'Fractions', ags_json: null, nrps_json: null, updated_at: 1 })
    .execute();
  return id;
}

/** A user of the context's platform; returns the user id. */
export async function aLearner(db: Kysely<Database>, contextId: string, name = 'Ada Learner'): Promise<string> {
  const ctx = await db.selectFrom('contexts').select('platform_id').where('id', '=', contextId).executeTakeFirstOrThrow();
  const id = randomUUID();
  await db
    .insertInto('users')
    .values({ id, platform_id: ctx.platform_id, sub: `sub-${id}`, name, given_name: null, family_name: null, email: null, updated_at: 1 })
    .execute();
  return id;
}

type Json = Record<string, unknown>;

/**
 * A small `masterly-course/1` file: objectives A → B → C (B requires A, C requires B), `itemsPerObjective`
 * items each (alternating mc_single / numeric / short), plus lesson, reteach and enrichment content.
 * Every mc answer is "b", every numeric answer 42, every short answer "half".
 */
export function aCourseFile(opts: { itemsPerObjective?: number; objectives?: string[] } = {}): Json & { objectives: Json[]; items: Json[]; content: Json[] } {
  const keys = opts.objectives ?? ['A', 'B', 'C'];
  const n = opts.itemsPerObjective ?? 12;
  const items: Json[] = [];
  for (const k of keys) {
    for (let i = 0; i < n; i++) {
      const key = `${k}-${i}`;
      const feedback = { correct: 'Right.', incorrect: `Look again at ${k}.` };
      if (i % 3 === 0) {
        items.push({ key, objective: k, kind: 'mc_single', prompt: `${k} question ${i}?`, choices: [{ key: 'a', text: 'one' }, { key: 'b', text: 'two' }, { key: 'c', text: 'three' }], answer: ['b'], feedback });
      } else if (i % 3 === 1) {
        items.push({ key, objective: k, kind: 'numeric', prompt: `${k} number ${i}?`, answer: { value: 42, tolerance: 0 }, feedback, hint: 'Think.' });
      } else {
        items.push({ key, objective: k, kind: 'short', prompt: `${k} word ${i}?`, answer: { accepted: ['half'] }, feedback });
      }
    }
  }
  return {
    format: 'masterly-course/1',
    course: { title: 'Tiny course', description: 'For tests' },
    objectives: keys.map((k, i) => ({ key: k, title: `Objective ${k}`, description: `About ${k}`, prerequisites: i === 0 ? [] : [keys[i - 1]] })),
    items,
    content: keys.flatMap((k) => [
      { key: `${k}-lesson`, objective: k, kind: 'lesson', title: `Learn ${k}`, body: `# ${k}\n\nThe idea of **${k}**.` },
      { key: `${k}-reteach`, objective: k, kind: 'reteach', title: `${k} again`, body: `Another way to see ${k}. <script>alert(1)</script>` },
      { key: `${k}-enrich`, objective: k, kind: 'enrichment', title: `More ${k}`, body: `A puzzle about ${k}.` },
    ]),
  };
}

/** The right answer to an item of {@link aCourseFile}, as the form would post it. */
export function rightAnswerFor(kind: string): string | string[] {
  return kind === 'mc_single' ? 'b' : kind === 'numeric' ? '42' : 'half';
}

/** A wrong answer to an item of {@link aCourseFile}. */
export function wrongAnswerFor(kind: string): string | string[] {
  return kind === 'mc_single' ? 'a' : kind === 'numeric' ? '7' : 'whole';
}

/**
 * Answers items `<objective>-0…11` until the objective reaches the cycle cap ("not mastered", ADR 0011): right in
 * practice, then right, wrong, wrong in every check. Wrong answers alone never get there: they lead to reteach and
 * a wheel-spinning flag instead. Returns the number of answers.
 */
export async function answerToCycleCap(answer: (key: string, right: boolean) => Promise<{ change: { stateAfter: string } }>, objective = 'A'): Promise<number> {
  let state = 'available';
  let answered = -1; // items answered in the check in progress
  for (let i = 0; i < 60; i++) {
    const r = await answer(`${objective}-${i % 12}`, state !== 'checking' || answered === 0);
    answered = r.change.stateAfter === 'checking' ? (state === 'checking' ? answered + 1 : 0) : -1;
    state = r.change.stateAfter;
    if (state === 'not_mastered') return i + 1;
  }
  throw new Error('the cycle cap was not reached');
}
