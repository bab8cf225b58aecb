import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { classifyStorageError, translateStorageError } from '../../src/store/dbErrors.js';
import { migrate, openDb } from '../../src/store/db.js';

/** Errors shaped as node-postgres and Node's sockets report them (SQLSTATE in `code`, or only a message). */
const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('storage error classification (one place for routes and jobs)', () => {
  it.each([
    [pgError('ECONNREFUSED'), 'unavailable'],
    [pgError('ETIMEDOUT'), 'unavailable'],
    [pgError('57P01', 'terminating connection due to administrator command'), 'unavailable'],
    [pgError('57P03', 'the database system is starting up'), 'unavailable'],
    [pgError('08006'), 'unavailable'],
    [new Error('Connection terminated unexpectedly'), 'unavailable'],
    [new Error('timeout exceeded when trying to connect'), 'unavailable'],
    [Object.assign(new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')]), {}), 'unavailable'],
    [new Error('migration failed', { cause: pgError('57P01') }), 'unavailable'],
    [pgError('53100', 'could not extend file: No space left on device'), 'full'],
    [pgError('SQLITE_FULL'), 'full'],
    [pgError('25006', 'cannot execute INSERT in a read-only transaction'), 'readonly'],
    [pgError('SQLITE_READONLY'), 'readonly'],
    [pgError('SQLITE_CANTOPEN'), 'readonly'],
    [pgError('23505', 'duplicate key'), undefined],
    [pgError('SQLITE_CONSTRAINT_UNIQUE'), undefined],
    [new Error('something else'), undefined],
  ])('%s → %s', (err, kind) => {
    expect(classifyStorageError(err)).toBe(kind);
  });

  it('maps PostgreSQL 53100 disk_full to ERR_STORAGE_FULL with the driver code kept', () => {
    const e = translateStorageError(pgError('53100')) as { code?: string; details?: unknown; cause?: unknown };
    expect(e).toMatchObject({ code: 'ERR_STORAGE_FULL', details: { driverCode: '53100' } });
    expect((e.cause as { code?: string }).code).toBe('53100');
  });

  it('leaves other errors untouched (unique violations stay catchable by the repositories)', () => {
    const dup = pgError('23505');
    expect(translateStorageError(dup)).toBe(dup);
  });
});

describe('a transaction that fills SQLite', () => {
  it('reports SQLITE_FULL as ERR_STORAGE_FULL, not the "cannot rollback" of the rollback that follows', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-tx-full-'));
    const db = await openDb({ url: `sqlite:${path.join(dir, 'm.db')}` });
    try {
      await migrate(db);
      await sql`create table filler (v text)`.execute(db.kysely);
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(db.kysely);
      await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(db.kysely);
      const err = await db.kysely
        .transaction()
        .execute(async (trx) => {
          for (let i = 0; i < 1000; i++) await sql`insert into filler (v) values (${'x'.repeat(1000)})`.execute(trx);
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toMatchObject({ code: 'ERR_STORAGE_FULL', details: { driverCode: 'SQLITE_FULL' } });
      // The connection is usable afterwards (no transaction left open).
      await expect(sql`select 1 as one`.execute(db.kysely)).resolves.toBeDefined();
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
