/**
 * Hostile and broken course files as data (test/vectors/import/invalid/<file> + expected.json: file → reason): each
 * is refused by the upload's code path with ERR_IMPORT_REJECTED and its reason, nothing is staged, and nothing of the
 * file (a path, an entity's text) is echoed in the message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCourseImportServices, type CourseImportServices } from '../../src/services/courseImport.js';
import { courseImportRepo } from '../../src/store/courseImportRepo.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { render, translator } from '../../src/i18n/index.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext } from '../factories.engine.js';

const DIR = path.resolve(import.meta.dirname, 'import/invalid');
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, string>;
const vectors = fs.readdirSync(DIR).filter((f) => f !== 'expected.json');

describe('invalid import vectors', () => {
  let db: TestDb;
  let s: CourseImportServices;
  let ctx: string;
  beforeAll(async () => {
    db = await openTestDb();
    s = buildCourseImportServices({ imports: courseImportRepo(db.kysely), courses: courseRepo(db.kysely), clock: { now: () => 1_700_000_000_000 }, ids: { newId: randomUUID } });
    ctx = await aContext(db.kysely);
  });
  afterAll(async () => db?.close());

  it('every vector has an expected reason', () => expect(vectors.sort()).toEqual(Object.keys(expected).sort()));

  it.each(vectors)('%s is refused with its reason and stages nothing', async (file) => {
    const err = await s.stageCourseImport({ contextId: ctx, filename: file, source: fs.createReadStream(path.join(DIR, file)) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ERR_IMPORT_REJECTED', reason: expected[file] });
    const shown = render(translator(), (err as { said: { key: string } }).said);
    expect(shown).not.toMatch(/\{\{|passwd|attacker|lol|alert/);
    expect(await db.kysely.selectFrom('course_imports').select('id').execute()).toEqual([]);
  });
});
