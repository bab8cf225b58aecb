/**
 * `npm run recompute [-- --context <contexts.id>]`: rebuilds the mastery projection (learner states,
 * explanations, item statistics) from the append-only response log, for one context or every context with
 * responses, then the grade standings LMS grades are computed from, queuing the grades that change in the outbox
 * (sent by the web or worker process). Deterministic: the result equals what the incremental updates produced.
 */
import { contextArgs, isEntryPoint, withComposition } from './common.js';
import { AppError } from '../domain/errors.js';

/** Runs the CLI with `argv` (without node and script); returns the exit code. Exported for tests. */
export async function runRecomputeCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (l) => console.log(l),
  err: (line: string) => void = (l) => console.error(l),
): Promise<number> {
  const args = contextArgs(argv, 'Usage: npm run recompute [-- --context <context-id>]', out, err);
  if (typeof args === 'number') return args;
  return withComposition(env, err, async (c) => {
    const contexts = args.context ? [args.context] : await c.repos.learners.contextsWithEvents();
    if (contexts.length === 0) out('No responses yet: nothing to recompute.');
    for (const contextId of contexts) {
      const s = await c.recomputeWithGrades(contextId);
      out(`${s.contextId}: ${s.events} events, ${s.learners} learners, ${s.explanations} explanations in ${s.millis} ms; ${s.gradesQueued} grades queued`);
    }
    return 0;
  }, (e) => (e instanceof AppError ? `${e.code}: ${e.message}` : `recompute failed: ${(e as Error).message}`));
}

if (isEntryPoint(import.meta.filename)) process.exit(await runRecomputeCli(process.argv.slice(2), process.env));
