import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDb, type Db } from '../../src/store/db.js';

/** True when the suite runs against PostgreSQL (CI's second pass sets DATABASE_URL). */
export const onPostgres = (): boolean => /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');

/** Drops a test's PostgreSQL schema and everything in it. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database for one test file: SQLite in memory, or a new PostgreSQL schema. */
export interface TestDb extends Db {
  /** The URL and schema to open a second connection to the same data (e.g. another app process). */
  url: string;
  pgSchema?: string;
}

export async function openTestDb(): Promise<TestDb> {
  if (onPostgres()) {
    const url = process.env.DATABASE_URL as string;
    const pgSchema = `t_${randomBytes(6).toString('hex')}`;
    const db = await openDb({ url, pgSchema, poolSize: 5 });
    await migrate(db);
    return {
      ...db,
      url,
      pgSchema,
      close: async () => {
        await db.close();
        await dropSchema(url, pgSchema);
      },
    };
  }
  const url = 'sqlite::memory:';
  const db = await openDb({ url });
  await migrate(db);
  return { ...db, url };
}
