/**
 * `npm run course -- import|export|list` on SQLite (a file) or PostgreSQL (DATABASE_URL): the administrators' path
 * through the same staging and commit as the instructor page, every format written and read back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCourseCli } from '../../src/cli/course.js';
import { migrate, openDb, type Db } from '../../src/store/db.js';
import { openTestDb, onPostgres } from '../support/db.js';
import { aContext } from '../factories.engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-course-'));
const at = (f: string) => path.join(dir, f);
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/interop');

describe('npm run course', () => {
  let db: Db;
  let url: string;
  let file: string | undefined;
  let ctx: string;
  beforeAll(async () => {
    if (onPostgres()) {
      const t = await openTestDb();
      db = t;
      url = `${t.url}${t.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`;
    } else {
      file = path.join(os.tmpdir(), `masterly-course-${randomUUID()}.db`);
      url = `sqlite:${file}`;
      db = await openDb({ url });
      await migrate(db);
    }
    ctx = await aContext(db.kysely, { title: 'Year 5 Maths' });
  });
  afterAll(async () => {
    await db?.close();
    if (file) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (argv: string[]) => {
    const out: string[] = [], err: string[] = [];
    const code = await runCourseCli(argv, { DATABASE_URL: url, LOG_LEVEL: 'silent', NODE_ENV: 'test', DATA_DIR: os.tmpdir() }, (l) => out.push(l), (l) => err.push(l));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const items = async () => Number((await db.kysely.selectFrom('items').select((eb) => eb.fn.countAll().as('n')).where('context_id', '=', ctx).where('active', '=', 1 as never).executeTakeFirstOrThrow()).n);

  it('imports a Moodle XML bank, printing what was skipped and why', async () => {
    expect((await run(['list'])).out).toContain(`${ctx}  Year 5 Maths  — no content`);
    const r = await run(['import', '--context', ctx, '--file', path.join(FIXTURES, 'moodle-fractions.xml')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('skipped #6 Match fractions: Masterly does not support matching questions yet.');
    expect(r.out).toContain('Imported 5 question(s) into 2 objective(s), 4 skipped: items 5 new, 0 updated, 0 hidden; objectives 2 new, 0 updated.');
    expect(await items()).toBe(5);
  });

  it.each(['moodle', 'gift', 'csv', 'native', 'cartridge'])('exports as %s and imports it back onto the same items', async (format) => {
    const out = at(`course-${format}`);
    const e = await run(['export', '--context', ctx, '--format', format, '--file', out]);
    expect(e.err).toBe('');
    expect(e.code).toBe(0);
    const r = await run(['import', '--context', ctx, '--format', format, '--file', out]);
    expect(r.err).toBe('');
    expect(r.out).toContain('items 0 new, 5 updated, 0 hidden; objectives 0 new, 2 updated.');
    expect(await items()).toBe(5);
  });

  it('refuses a hostile file with the code, the reason and the plain message, and changes nothing', async () => {
    fs.writeFileSync(at('xxe.xml'), '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>');
    const r = await run(['import', '--context', ctx, '--file', at('xxe.xml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ERR_IMPORT_REJECTED \(xml_doctype\): The XML file declares a DOCTYPE/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(await items()).toBe(5);
    expect(await db.kysely.selectFrom('course_imports').select('id').where('status', '!=', 'committed').execute()).toEqual([]);
  });

  it('explains its usage and refuses an unknown course', async () => {
    expect((await run([])).code).toBe(1);
    expect((await run(['export', '--context', 'nope', '--format', 'xls', '--file', at('x')])).err).toContain('Unknown format "xls"');
    expect((await run(['export', '--context', 'nope', '--format', 'gift', '--file', at('x')])).err).toContain('No course with id nope');
  });
});
