import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Generated } from 'kysely';

/** The emulator's own tables (prefixed `dp_`; they never share a schema with the tool's). */
export interface DpDatabase {
  dp_meta: { key: string; value: string };
  dp_users: {
    id: string;
    sort: number;
    given_name: string | null;
    family_name: string | null;
    name: string | null;
    email: string | null;
    roles: string;
    status: string;
    seq: number;
  };
  dp_resource_links: {
    id: string;
    title: string;
    description: string | null;
    custom: string;
    members: string | null;
    line_item_id: number | null;
    created_at: number;
  };
  dp_launches: { id: string; user_id: string; message_type: string; resource_link_id: string | null; created_at: number; for_user_id: string | null };
  dp_tokens: { token: string; client_id: string; scopes: string; expires_at: number };
  dp_jtis: { jti: string; expires_at: number };
  dp_line_items: {
    id: Generated<number>;
    label: string;
    score_maximum: number;
    resource_id: string | null;
    tag: string | null;
    resource_link_id: string | null;
    start_date_time: string | null;
    end_date_time: string | null;
    extra: string;
    created_at: number;
  };
  dp_results: {
    line_item_id: number;
    user_id: string;
    score_given: number | null;
    score_maximum: number | null;
    result_score: number | null;
    comment: string | null;
    activity_progress: string;
    grading_progress: string;
    timestamp: string;
    timestamp_ms: number;
    updated_at: number;
    /** Canvas mode: 1 while the score left a submitted, ungraded submission ("needs grading"). */
    needs_grading: Generated<number>;
  };
  dp_score_history: {
    seq: Generated<number>;
    line_item_id: number;
    user_id: string;
    body: string;
    timestamp: string;
    received_at: number;
    applied: number;
  };
  dp_deep_links: { id: Generated<number>; user_id: string; received_at: number; payload: string };
}

export type DpDb = Kysely<DpDatabase>;

/** Opens `sqlite::memory:` or `sqlite:<file>` and creates the emulator's tables when missing. */
export async function openDpDb(url: string): Promise<DpDb> {
  const file = url.replace(/^sqlite:/, '') || ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DpDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  await createTables(db);
  return db;
}

async function createTables(db: DpDb): Promise<void> {
  const statements = [
    `create table if not exists dp_meta (key text primary key, value text not null)`,
    `create table if not exists dp_users (id text primary key, sort integer not null, given_name text, family_name text,
      name text, email text, roles text not null, status text not null, seq integer not null)`,
    `create table if not exists dp_resource_links (id text primary key, title text not null, description text,
      custom text not null, members text, line_item_id integer, created_at integer not null)`,
    `create table if not exists dp_launches (id text primary key, user_id text not null, message_type text not null,
      resource_link_id text, created_at integer not null)`,
    `create table if not exists dp_tokens (token text primary key, client_id text not null, scopes text not null, expires_at integer not null)`,
    `create table if not exists dp_jtis (jti text primary key, expires_at integer not null)`,
    `create table if not exists dp_line_items (id integer primary key autoincrement, label text not null,
      score_maximum real not null, resource_id text, tag text, resource_link_id text, start_date_time text,
      end_date_time text, extra text not null, created_at integer not null)`,
    `create table if not exists dp_results (line_item_id integer not null, user_id text not null, score_given real,
      score_maximum real, result_score real, comment text, activity_progress text not null, grading_progress text not null,
      timestamp text not null, timestamp_ms integer not null, updated_at integer not null, primary key (line_item_id, user_id))`,
    `create table if not exists dp_score_history (seq integer primary key autoincrement, line_item_id integer not null,
      user_id text not null, body text not null, timestamp text not null, received_at integer not null, applied integer not null)`,
    `create table if not exists dp_deep_links (id integer primary key autoincrement, user_id text not null,
      received_at integer not null, payload text not null)`,
  ];
  for (const s of statements) await sql.raw(s).execute(db);
  // Added later (Submission Review: whose work a review launch shows); emulator files made before lack it.
  const launchColumns = await sql<{ name: string }>`pragma table_info(dp_launches)`.execute(db);
  if (!launchColumns.rows.some((c) => c.name === 'for_user_id')) await sql.raw('alter table dp_launches add column for_user_id text').execute(db);
  // Canvas: a submission the tool's score left submitted and ungraded (the teacher's "needs grading" list).
  const resultColumns = await sql<{ name: string }>`pragma table_info(dp_results)`.execute(db);
  if (!resultColumns.rows.some((c) => c.name === 'needs_grading')) await sql.raw('alter table dp_results add column needs_grading integer not null default 0').execute(db);
}

/** Reads one `dp_meta` value. */
export async function getMeta(db: DpDb, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('dp_meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Writes one `dp_meta` value. */
export async function setMeta(db: DpDb, key: string, value: string): Promise<void> {
  await db
    .insertInto('dp_meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
