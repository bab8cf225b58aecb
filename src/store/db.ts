import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrations } from './migrations/index.js';
import { DbUnavailable, StorageReadonly, type AppError } from '../domain/errors.js';
import { classifyStorageError, resilientDialect, storageErrorCode } from './dbErrors.js';

/** Which engine a database URL selects. */
export type Dialect = 'postgres' | 'sqlite';

/** Where openDb reports (a pino logger fits). */
export interface DbLog {
  info(data: object, msg: string): void;
  warn(data: object, msg: string): void;
}

export interface OpenDbOptions {
  /** `postgres://…` or `sqlite:<file>` / `sqlite::memory:`. */
  url: string;
  /** PostgreSQL only: use (and create) this schema instead of `public`; tests use one per file. */
  pgSchema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** Called for every statement (the launch benchmark counts them). */
  onQuery?: (event: LogEvent) => void;
  /**
   * PostgreSQL only: how long to wait for the server at start (DB_STARTUP_TIMEOUT_SECONDS), retrying with a log line;
   * 0 tries once. Default 0.
   */
  startupTimeoutMs?: number;
  /** Lost connections, start-up retries and swallowed rollback failures are reported here. */
  log?: DbLog;
}

/** An open database: the Kysely handle plus what callers need to know about it. */
export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL schema in use when not `public` (migrations keep their bookkeeping tables there). */
  pgSchema?: string;
  /** The last full or read-only storage failure any statement met (the readiness check reports it for a while). */
  readonly storage: { lastFailure?: { error: AppError; at: number } };
  close(): Promise<void>;
}

export const dialectOf = (url: string): Dialect => (/^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite');

// int8 (bigint) columns hold epoch milliseconds and counters, all far below 2^53: read them as numbers.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text'),
};

/** `host:port` of a PostgreSQL URL, for messages (never the user or password). */
export const pgAddress = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    return 'the configured address';
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Connects once (creating `schema` if asked), retrying while the server is unreachable until `timeoutMs` has passed,
 * so a tool started beside a PostgreSQL that is still booting waits for it instead of exiting. Any other failure
 * (wrong password, unknown database) stops at once.
 */
async function waitForPostgres(url: string, schema: string | undefined, timeoutMs: number, log?: DbLog): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 1000; ; delayMs = Math.min(delayMs * 2, 5000)) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined); // reported through connect()/query() below
    try {
      await client.connect();
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      return;
    } catch (err) {
      const address = pgAddress(url);
      const code = storageErrorCode(err) ?? 'error';
      if (classifyStorageError(err) !== 'unavailable') {
        throw new Error(`PostgreSQL at ${address} refused Masterly (${code}): ${(err as Error).message}. Check DATABASE_URL.`, { cause: err });
      }
      if (Date.now() + delayMs > deadline) {
        throw new Error(
          `database not reachable at ${address} (${code}) after waiting ${Math.round(timeoutMs / 1000)} s: check that PostgreSQL is running ` +
            'and that DATABASE_URL points to it (DB_STARTUP_TIMEOUT_SECONDS sets how long to wait)',
          { cause: err },
        );
      }
      log?.warn({ code }, `database not reachable at ${address}, retrying in ${delayMs / 1000}s`);
      await sleep(delayMs);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Opens the SQLite file, turning "unable to open database file" into a message that names the path and what to do
 * (a read-only or missing data folder is the usual cause).
 */
function openSqlite(file: string): SQLite.Database {
  const where = file === ':memory:' ? file : path.resolve(file);
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(where), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    return sqlite;
  } catch (err) {
    const code = storageErrorCode(err) ?? 'error';
    throw new StorageReadonly({
      cause: err,
      details: { driverCode: code },
      message:
        `Masterly cannot open its SQLite database ${where} (${code}): the folder ${path.dirname(where)} must exist and be writable ` +
        'by the user running Masterly (SQLite creates -wal and -shm files beside the database). Fix the folder, or set DATABASE_URL to a writable path.',
    });
  }
}

/**
 * Opens PostgreSQL or SQLite from a URL. Call `migrate` before use (openStore in main.ts does). Every statement's
 * storage failure arrives as ERR_DB_UNAVAILABLE / ERR_STORAGE_FULL / ERR_STORAGE_READONLY (see dbErrors.ts); a lost
 * PostgreSQL connection is logged and replaced on next use, never fatal.
 */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  const log = opts.onQuery;
  const storage: Db['storage'] = {};
  const hooks = {
    onStorageError: (error: AppError) => {
      if (!(error instanceof DbUnavailable)) storage.lastFailure = { error, at: Date.now() };
    },
    onRollbackError: (err: unknown) => opts.log?.warn({ code: storageErrorCode(err) }, 'rollback after a failed statement failed too; reporting the first error'),
  };
  if (dialectOf(opts.url) === 'postgres') {
    const schema = opts.pgSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid PostgreSQL schema name');
    await waitForPostgres(opts.url, schema, opts.startupTimeoutMs ?? 0, opts.log);
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types: pgTypes,
      // A request waits at most this long for a connection while the server is unreachable (then ERR_DB_UNAVAILABLE).
      connectionTimeoutMillis: 5000,
      keepAlive: true,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // Without these listeners a lost connection (server restart, pg_terminate_backend, an idle-connection killer) is
    // an unhandled 'error' event that ends the process. The pool drops the broken client and connects anew on next use.
    const lost = (err: Error) => opts.log?.warn({ code: storageErrorCode(err) }, `database connection to ${pgAddress(opts.url)} lost; reconnecting on next use`);
    pool.on('error', lost);
    pool.on('connect', (client) => client.on('error', lost));
    const dialect = resilientDialect(new PostgresDialect({ pool }), hooks);
    const kysely = new Kysely<Database>({ dialect, ...(log ? { log } : {}) });
    return { kysely, dialect: 'postgres', ...(schema ? { pgSchema: schema } : {}), storage, close: () => kysely.destroy() };
  }
  const file = opts.url.replace(/^sqlite:/, '') || ':memory:';
  const sqlite = openSqlite(file);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const dialect = resilientDialect(new SqliteDialect({ database: sqlite }), hooks);
  const kysely = new Kysely<Database>({ dialect, ...(log ? { log } : {}) });
  return { kysely, dialect: 'sqlite', storage, close: () => kysely.destroy() };
}

/** How long a full or read-only failure met by any statement keeps /readyz failing after it happened. */
export const STORAGE_FAILURE_HOLD_MS = 30_000;

/**
 * The readiness probe: an upsert of a timestamp in the one-row `health_probe` table, so it proves the database is
 * reachable *and* accepts writes. A write this small can still fit in a page that has room when the disk is full,
 * so a full or read-only failure that any statement met in the last {@link STORAGE_FAILURE_HOLD_MS} fails it too.
 * Throws ERR_DB_UNAVAILABLE / ERR_STORAGE_FULL / ERR_STORAGE_READONLY (or the driver's error).
 */
export async function probeDb(db: Db, now: number = Date.now()): Promise<void> {
  await sql`insert into health_probe (id, checked_at) values (1, ${now})
    on conflict (id) do update set checked_at = excluded.checked_at`.execute(db.kysely);
  const last = db.storage.lastFailure;
  if (last && now - last.at < STORAGE_FAILURE_HOLD_MS) throw last.error;
}

/** Runs every pending migration (on start, and in tests); throws with the failing migration's name. */
export async function migrate(db: Db): Promise<void> {
  // Without pgSchema the search_path may still point elsewhere (e.g. `?options=-c search_path=…` in the URL).
  const schema =
    db.pgSchema ??
    (db.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db.kysely)).rows[0]?.s : undefined);
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations },
    // Kysely looks for its bookkeeping tables in every schema; name ours, or a parallel test's schema hides them.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely finds its bookkeeping tables by listing the tables of EVERY schema (pg_get_serial_sequence on each): a
  // schema someone else drops meanwhile (a parallel test file's) fails that listing with 3F000 before anything ran.
  for (let retry = 0; retry < 5 && (error as { code?: unknown } | undefined)?.code === '3F000' && !results?.length; retry++) {
    ({ error, results } = await migrator.migrateToLatest());
  }
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
