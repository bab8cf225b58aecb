/**
 * `npm run backup -- --out FILE`: a consistent copy of the database while Masterly keeps running.
 * SQLite: better-sqlite3's online backup API (pages copied in steps; writers are not blocked for long).
 * PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore`), which must be on PATH.
 * See README "Backups and upgrades".
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { loadConfig } from '../../config/schema.js';
import { dialectOf } from '../store/db.js';
import { isEntryPoint, type Line } from './common.js';

const USAGE = 'Usage: npm run backup -- --out FILE   (SQLite: an SQLite file; PostgreSQL: a pg_dump custom-format archive)';

/** Backs up the database named by DATABASE_URL to `--out`; returns the exit code. Exported for tests. */
export async function runBackupCli(argv: string[], env: NodeJS.ProcessEnv, out: Line = (l) => console.log(l), err: Line = (l) => console.error(l)): Promise<number> {
  let outFile: string | undefined;
  try {
    outFile = parseArgs({ args: argv, options: { out: { type: 'string' } } }).values.out;
  } catch (e) {
    err((e as Error).message);
  }
  if (!outFile) {
    err(USAGE);
    return 1;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    err((e as Error).message);
    return 1;
  }
  const target = path.resolve(outFile);
  if (fs.existsSync(target)) {
    err(`${target} exists: choose a new file name (a backup never overwrites).`);
    return 1;
  }
  if (dialectOf(config.DATABASE_URL) === 'sqlite') {
    const file = config.DATABASE_URL.replace(/^sqlite:/, '');
    if (!file || file === ':memory:' || !fs.existsSync(file)) {
      err(`No SQLite database file at "${file}": check DATABASE_URL.`);
      return 1;
    }
    const db = new SQLite(file, { fileMustExist: true });
    try {
      const r = await db.backup(target);
      out(`Backed up ${path.resolve(file)} to ${target} (${r.totalPages} pages).`);
      return 0;
    } catch (e) {
      err(`Backup failed: ${(e as Error).message}`);
      return 1;
    } finally {
      db.close();
    }
  }
  const schema = config.PG_SCHEMA ? ['--schema', config.PG_SCHEMA] : [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn('pg_dump', ['--format=custom', '--no-owner', '--file', target, ...schema, '--dbname', config.DATABASE_URL], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      err(`Could not run pg_dump (${e.message}): install the PostgreSQL client tools, or run pg_dump yourself (README "Backups and upgrades").`);
      resolve(1);
    });
    child.on('exit', (c) => {
      if (c !== 0 && stderr) err(stderr.trim());
      resolve(c ?? 1);
    });
  });
  if (code === 0) out(`Backed up the PostgreSQL database to ${target} (pg_dump custom format; restore with pg_restore).`);
  return code;
}

if (isEntryPoint(import.meta.filename)) process.exitCode = await runBackupCli(process.argv.slice(2), process.env);
