import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCourse } from '../../src/services/exportCourse.js';
import { CourseFile, importCourse, planCourseImport } from '../../src/services/importCourse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext, aCourseFile } from '../factories.engine.js';

const clock = { now: () => 1_700_000_000_000 };
const seed = JSON.parse(readFileSync(new URL('../../seed/fractions.json', import.meta.url), 'utf8')) as unknown;

/** The file as the importer reads it (defaults filled), without `itemKind`, a note the store does not keep. */
const normalised = (file: unknown): CourseFile => {
  const parsed = CourseFile.parse(file);
  return { ...parsed, objectives: parsed.objectives.map(({ itemKind: _k, ...o }) => o) };
};

describe('exportCourse', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());
  const deps = () => ({ courses: courseRepo(db.kysely), clock });

  it('exports the fractions unit exactly as it was imported, and importing the export changes nothing', async () => {
    const a = await aContext(db.kysely);
    await importCourse(deps(), { contextId: a, file: seed });
    const exported = await exportCourse(deps(), a);
    expect(exported).toEqual(normalised(seed));
    expect(planCourseImport(a, exported)).toEqual(planCourseImport(a, seed));

    const b = await aContext(db.kysely);
    await importCourse(deps(), { contextId: b, file: exported });
    expect(await exportCourse(deps(), b)).toEqual(exported);
    // Re-importing the export into its own context updates in place: nothing created or deactivated.
    const again = await importCourse(deps(), { contextId: a, file: exported });
    expect(again.items).toEqual({ created: 0, updated: 120, deactivated: 0 });
    expect(again.content.removed).toBe(0);
  });

  it('fills the defaults of a file that left them out (average difficulty, no hint) and leaves out what was removed', async () => {
    const ctx = await aContext(db.kysely);
    const file = aCourseFile();
    await importCourse(deps(), { contextId: ctx, file });
    const exported = await exportCourse(deps(), ctx);
    expect(exported?.items.every((i) => i.difficulty === 1500)).toBe(true);
    expect(exported?.items.find((i) => i.key === 'A-0')).not.toHaveProperty('hint');
    const expected = normalised(file);
    expect(exported).toEqual({ ...expected, items: expected.items.map((i) => ({ ...i, difficulty: 1500 })) });

    const fewer = { ...file, objectives: file.objectives.slice(0, 2), items: file.items.filter((i) => i.objective !== 'C' && i.key !== 'A-1'), content: file.content.filter((c) => c.objective !== 'C') };
    await importCourse(deps(), { contextId: ctx, file: fewer });
    const after = await exportCourse(deps(), ctx);
    expect(after?.objectives.map((o) => o.key)).toEqual(['A', 'B']);
    expect(after?.items.map((i) => i.key)).not.toContain('A-1');
    expect(after?.items).toHaveLength(23);
    expect(after?.content.map((c) => c.objective)).not.toContain('C');
  });

  it('answers undefined for a context without a course', async () => {
    expect(await exportCourse(deps(), await aContext(db.kysely))).toBeUndefined();
  });
});
