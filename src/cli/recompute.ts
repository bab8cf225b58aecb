/**
 * `npm run recompute [-- --context <contexts.id>]`: rebuilds the mastery projection (learner states,
 * explanations, item statistics) from the append-only response log, for one context or every context with
 * responses. Deterministic: the result equals what the incremental updates produced.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/schema.js';
import { AppError } from '../domain/errors.js';
import { recomputeMastery } from '../services/recomputeMastery.js';
import { systemClock } from '../services/ports.js';
import { courseRepo } from '../store/courseRepo.js';
import { migrate, openDb } from '../store/db.js';
import { learnerStore } from '../store/learnerRepo.js';

/** Runs the CLI with `argv` (without node and script); returns the exit code. Exported for tests. */
export async function runRecomputeCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (l) => console.log(l),
  err: (line: string) => void = (l) => console.error(l),
): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { context: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: false });
  } catch (e) {
    err((e as Error).message);
    return 1;
  }
  if (args.values.help) {
    out('Usage: npm run recompute [-- --context <context-id>]');
    return 0;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    err((e as Error).message);
    return 1;
  }
  const db = await openDb({ url: config.DATABASE_URL });
  try {
    await migrate(db);
    const learners = learnerStore(db.kysely, db.dialect);
    const deps = { courses: courseRepo(db.kysely), learners, clock: systemClock, ids: { newId: randomUUID } };
    const contexts = args.values.context ? [args.values.context] : await learners.contextsWithEvents();
    if (contexts.length === 0) out('No responses yet: nothing to recompute.');
    for (const contextId of contexts) {
      const s = await recomputeMastery(deps, { contextId });
      out(`${s.contextId}: ${s.events} events, ${s.learners} learners, ${s.explanations} explanations in ${s.millis} ms`);
    }
    return 0;
  } catch (e) {
    err(e instanceof AppError ? `${e.code}: ${e.message}` : `recompute failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await db.close();
  }
}

const isEntryPoint = process.argv[1] && import.meta.filename === (await import('node:fs')).realpathSync(process.argv[1]);
if (isEntryPoint) process.exit(await runRecomputeCli(process.argv.slice(2), process.env));
