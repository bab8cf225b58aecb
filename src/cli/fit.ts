/**
 * `npm run fit [-- --context <contexts.id>]`: fits BKT parameters (EM, seeded) for every objective with enough data
 * (≥ 100 students with ≥ 5 responses) and new responses since its last fit, as the background job does.
 * Fitted parameters apply to new responses; learners' current progress is kept.
 */
import { contextArgs, isEntryPoint, withComposition } from './common.js';
import { AppError } from '../domain/errors.js';
import { fitBktJob } from '../jobs/fitBkt.job.js';

/** Runs the CLI with `argv` (without node and script); returns the exit code. Exported for tests. */
export async function runFitCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (l) => console.log(l),
  err: (line: string) => void = (l) => console.error(l),
): Promise<number> {
  const args = contextArgs(argv, 'Usage: npm run fit [-- --context <context-id>]', out, err);
  if (typeof args === 'number') return args;
  return withComposition(env, err, async (c) => {
    const report = await fitBktJob.run(c.scheduleServices, args.context ? { contextId: args.context } : {});
    for (const o of report.outcomes) {
      if (o.status === 'fitted') {
        const p = o.params;
        out(`${o.objectiveId}: fitted from ${o.students} students (${o.responses} responses): L0 ${p.prior.toFixed(3)} T ${p.learn.toFixed(3)} G ${p.guess.toFixed(3)} S ${p.slip.toFixed(3)}`);
      } else if (o.status === 'refused') {
        out(`${o.objectiveId}: fit refused, parameters kept: ${o.reason}`);
      } else if (o.status === 'not_enough_data') {
        out(`${o.objectiveId}: not enough data (${o.students} students with enough responses)`);
      } else {
        out(`${o.objectiveId}: up to date`);
      }
    }
    out(`${report.fitted} objective(s) fitted in ${report.millis} ms`);
    return 0;
  }, (e) => (e instanceof AppError ? `${e.code}: ${e.message}` : `fit failed: ${(e as Error).message}`));
}

if (isEntryPoint(import.meta.filename)) process.exit(await runFitCli(process.argv.slice(2), process.env));
