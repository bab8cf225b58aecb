import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { migrations } from './migrations/index.js';

/** Which engine a database URL selects. */
export type Dialect = 'postgres' | 'sqlite';

export interface OpenDbOptions {
  /** `postgres://…` or `sqlite:<file>` / `sqlite::memory:`. */
  url: string;
  /** PostgreSQL only: use (and create) this schema instead of `public`; tests use one per file. */
  pgSchema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** Called for every statement (the launch benchmark counts them). */
  onQuery?: (event: LogEvent) => void;
}

/** An open database: the Kysely handle plus what callers need to know about it. */
export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL schema in use when not `public` (migrations keep their bookkeeping tables there). */
  pgSchema?: string;
  close(): Promise<void>;
}

export const dialectOf = (url: string): Dialect => (/^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite');

// int8 (bigint) columns hold epoch milliseconds and counters, all far below 2^53: read them as numbers.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text'),
};

/** Opens PostgreSQL or SQLite from a URL. Call `migrate` before use (openStore in main.ts does). */
export async function openDb(opts: OpenDbOptions): Promise<Db> {
  const log = opts.onQuery;
  if (dialectOf(opts.url) === 'postgres') {
    const schema = opts.pgSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid PostgreSQL schema name');
    if (schema) {
      const admin = new pg.Client({ connectionString: opts.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types: pgTypes,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
    return { kysely, dialect: 'postgres', ...(schema ? { pgSchema: schema } : {}), close: () => kysely.destroy() };
  }
  const file = opts.url.replace(/^sqlite:/, '') || ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), ...(log ? { log } : {}) });
  return { kysely, dialect: 'sqlite', close: () => kysely.destroy() };
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
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}
