import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse, planCourseImport } from '../../src/services/importCourse.js';
import { ensureDemoCourse } from '../../src/services/ensureDemoCourse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext, aCourseFile } from '../factories.engine.js';

const clock = { now: () => 1_700_000_000_000 };
const SEED = path.resolve(import.meta.dirname, '../../seed/fractions.json');

describe('importCourse', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());
  const deps = () => ({ courses: courseRepo(db.kysely), clock });
  const count = async (table: 'objectives' | 'items' | 'content' | 'engine_courses', contextId: string) =>
    Number((await db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('context_id', '=', contextId).executeTakeFirstOrThrow()).n);

  it('imports a valid course with prerequisites, items and content', async () => {
    const ctx = await aContext(db.kysely);
    const summary = await importCourse(deps(), { contextId: ctx, file: aCourseFile() });
    expect(summary.objectives.created).toBe(3);
    expect(summary.items.created).toBe(36);
    const snap = await courseRepo(db.kysely).snapshot(ctx);
    expect(snap?.settings.masteryThreshold).toBe(0.95);
    const [a, b] = snap?.objectives ?? [];
    expect(b?.prerequisites).toEqual([a?.id]);
    const items = await courseRepo(db.kysely).listItems(ctx, [a?.id ?? '']);
    expect(items[0]?.item).toMatchObject({ kind: 'single_choice', correctChoiceId: 'b' });
  });

  it('is idempotent by keys: a re-import updates in place and deactivates what is gone', async () => {
    const ctx = await aContext(db.kysely);
    const file = aCourseFile();
    await importCourse(deps(), { contextId: ctx, file });
    const idsBefore = (await courseRepo(db.kysely).listItems(ctx)).map((i) => i.id).sort();
    const edited = { ...file, items: file.items.slice(1).map((it) => (it.key === 'A-1' ? { ...it, prompt: 'Edited?' } : it)) };
    const summary = await importCourse(deps(), { contextId: ctx, file: edited });
    expect(summary.items).toEqual({ created: 0, updated: 35, deactivated: 1 });
    const after = await courseRepo(db.kysely).listItems(ctx);
    expect(after.find((i) => i.key === 'A-1')?.prompt).toBe('Edited?');
    expect(idsBefore).toEqual(expect.arrayContaining(after.map((i) => i.id)));
    expect(await count('objectives', ctx)).toBe(3);
  });

  it('rejects a prerequisite cycle with ERR_OBJECTIVE_CYCLE naming it, writing nothing', async () => {
    const ctx = await aContext(db.kysely);
    const file = aCourseFile();
    (file.objectives[0] as { prerequisites: string[] }).prerequisites = ['C'];
    await expect(importCourse(deps(), { contextId: ctx, file })).rejects.toMatchObject({
      code: 'ERR_OBJECTIVE_CYCLE',
      cycle: expect.arrayContaining(['A', 'B', 'C']),
    });
    for (const t of ['objectives', 'items', 'content', 'engine_courses'] as const) expect(await count(t, ctx)).toBe(0);
  });

  it('rejects a bad item with the path of the problem', async () => {
    const ctx = await aContext(db.kysely);
    const file = aCourseFile();
    file.items[3] = { ...file.items[3], answer: ['z'] };
    await expect(importCourse(deps(), { contextId: ctx, file })).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      issues: [expect.objectContaining({ path: 'items.3.answer.0' })],
    });
    const shapeless = aCourseFile();
    shapeless.items[5] = { ...shapeless.items[5], kind: 'essay' };
    await expect(importCourse(deps(), { contextId: ctx, file: shapeless })).rejects.toMatchObject({
      code: 'ERR_VALIDATION',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'items.5.kind' })]),
    });
    expect(await count('objectives', ctx)).toBe(0);
  });

  it('rolls back everything when a write fails half way', async () => {
    const ctx = await aContext(db.kysely);
    const plan = planCourseImport(ctx, aCourseFile());
    // Objectives and the course row are written before the items; an item on an unknown objective fails then.
    const broken = { ...plan, items: [...plan.items, { ...plan.items[0]!, key: 'stray', objectiveKey: 'nope' }] };
    await expect(courseRepo(db.kysely).applyImport(broken, 1)).rejects.toThrow();
    for (const t of ['objectives', 'items', 'content', 'engine_courses'] as const) expect(await count(t, ctx)).toBe(0);
  });

  it.runIf(fs.existsSync(SEED))('imports the demo course once (ensureDemoCourse)', async () => {
    const ctx = await aContext(db.kysely);
    const readDemoCourse = async () => JSON.parse(fs.readFileSync(SEED, 'utf8')) as unknown;
    const first = await ensureDemoCourse({ ...deps(), readDemoCourse }, { contextId: ctx });
    expect(first?.objectives.created).toBeGreaterThanOrEqual(5);
    expect(first?.items.created).toBeGreaterThanOrEqual(50);
    expect(await ensureDemoCourse({ ...deps(), readDemoCourse }, { contextId: ctx })).toBeNull();
  });
});
