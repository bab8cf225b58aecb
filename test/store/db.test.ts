import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, onPostgres, type TestDb } from '../support/db.js';

describe('database', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it('opens the dialect the environment asks for and runs migrations', async () => {
    expect(db.dialect).toBe(onPostgres() ? 'postgres' : 'sqlite');
    const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db.kysely);
    expect(rows.rows.map((r) => r.name)).toContain('0001_foundation');
  });
});
