import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../config/schema.js';
import { compose, type Composition } from '../compose.js';
import { AppError } from '../domain/errors.js';

export { isEntryPoint } from '../entryPoint.js';

/** Where a CLI writes a line (stdout or stderr; tests pass collectors). */
export type Line = (line: string) => void;

/**
 * Runs one CLI command against the configured database, through the same composition root as the web process
 * and the worker (src/compose.ts; no schedules start): parses the config (a bad setting is reported by name),
 * composes, runs `work`, and always closes. Failures become a one-line message with the stable code for our own
 * errors, and exit code 1 — never a stack trace.
 */
export async function withComposition(
  env: NodeJS.ProcessEnv,
  err: Line,
  work: (c: Composition) => Promise<number>,
  describe?: (e: unknown) => string | undefined,
): Promise<number> {
  const message = (e: unknown) =>
    describe?.(e) ?? (e instanceof AppError ? `Error (${e.code}): ${e.message}` : `Error: ${(e as Error).message}`);
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    err((e as Error).message);
    return 1;
  }
  let c: Composition;
  try {
    c = await compose(config, pino({ level: config.LOG_LEVEL === 'silent' ? 'silent' : 'warn' }, pino.destination(2)), 'cli');
  } catch (e) {
    err(message(e));
    return 1;
  }
  try {
    return await work(c);
  } catch (e) {
    err(message(e));
    return 1;
  } finally {
    await c.close();
  }
}

/**
 * The arguments of a CLI that takes only `[--context <context-id>]` and `--help`: the chosen context (undefined for
 * every context), or the exit code when there is nothing to run (usage printed, or a bad argument reported).
 */
export function contextArgs(argv: string[], usage: string, out: Line, err: Line): { context: string | undefined } | number {
  let args;
  try {
    args = parseArgs({ args: argv, options: { context: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: false });
  } catch (e) {
    err((e as Error).message);
    return 1;
  }
  if (args.values.help) {
    out(usage);
    return 0;
  }
  return { context: args.values.context };
}
