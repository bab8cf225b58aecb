/**
 * Scans EVERY table and column of the live database (listed from the catalogue, so tables added later are covered
 * without touching this file) for traces of a person: used by the erasure and retention tests.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/store/db.js';

/** Where a needle was found. */
export interface Trace {
  table: string;
  column: string;
  needle: string;
  value: string;
}

/** The tables of the tool's schema (PostgreSQL: the current schema; SQLite: the main database). */
export async function liveTables(db: Db): Promise<string[]> {
  if (db.dialect === 'postgres') {
    const r = await sql<{ t: string }>`select table_name as t from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db.kysely);
    return r.rows.map((x) => x.t);
  }
  const r = await sql<{ t: string }>`select name as t from sqlite_master where type = 'table' order by name`.execute(db.kysely);
  return r.rows.map((x) => x.t);
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Every cell containing one of `contains` (case-insensitive substring: names, e-mails, ids, answers) or equal to one
 * of `equals` (short ids such as an LMS user id "5", which would match any number as a substring; also matched as a
 * JSON string value `"5"`).
 */
export async function findTraces(db: Db, needles: { contains: string[]; equals?: string[] }): Promise<Trace[]> {
  const found: Trace[] = [];
  const contains = needles.contains.filter(Boolean).map((n) => n.toLowerCase());
  const equals = (needles.equals ?? []).filter(Boolean);
  for (const table of await liveTables(db)) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db.kysely)).rows;
    for (const row of rows) {
      for (const [column, v] of Object.entries(row)) {
        const value = text(v);
        const lower = value.toLowerCase();
        for (const n of contains) if (lower.includes(n)) found.push({ table, column, needle: n, value: value.slice(0, 200) });
        // Only text cells: an integer column holding 5 is not the LMS user id "5".
        if (typeof v !== 'string') continue;
        for (const n of equals) if (value === n || value.includes(JSON.stringify(n))) found.push({ table, column, needle: n, value: value.slice(0, 200) });
      }
    }
  }
  return found;
}
