import fs from 'node:fs';
import { loadConfig, type Config } from '../../config/schema.js';
import { AppError } from '../domain/errors.js';
import { migrate, openDb, type Db } from '../store/db.js';

/** Where a CLI writes a line (stdout or stderr; tests pass collectors). */
export type Line = (line: string) => void;

/**
 * Runs one CLI command against the configured database: parses the config (a bad setting is reported by name),
 * opens and migrates the database, runs `work`, and always closes it. Failures become a one-line message with
 * the stable code for our own errors, and exit code 1 — never a stack trace.
 */
export async function withConfiguredDb(
  env: NodeJS.ProcessEnv,
  err: Line,
  work: (db: Db, config: Config) => Promise<number>,
  describe?: (e: unknown) => string | undefined,
): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    err((e as Error).message);
    return 1;
  }
  const db = await openDb({ url: config.DATABASE_URL, ...(config.PG_SCHEMA ? { pgSchema: config.PG_SCHEMA } : {}) });
  try {
    await migrate(db);
    return await work(db, config);
  } catch (e) {
    err(describe?.(e) ?? (e instanceof AppError ? `Error (${e.code}): ${e.message}` : `Error: ${(e as Error).message}`));
    return 1;
  } finally {
    await db.close();
  }
}

/** True when the module at `filename` is the script node was started with (not imported by a test). */
export const isEntryPoint = (filename: string): boolean =>
  Boolean(process.argv[1]) && filename === fs.realpathSync(process.argv[1] as string);
