/** Staging and committing imports on the real store (SQLite, or PostgreSQL with DATABASE_URL). */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCourseFile } from '../../src/services/courseFormats/index.js';
import { buildCourseImportServices, type CourseImportServices } from '../../src/services/courseImport.js';
import { courseImportRepo } from '../../src/store/courseImportRepo.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext } from '../factories.engine.js';
import { aRichCourse } from '../factories.interop.js';

describe('staged course imports', () => {
  let db: TestDb;
  let now = 1_700_000_000_000;
  let s: CourseImportServices;
  beforeAll(async () => {
    db = await openTestDb();
    s = buildCourseImportServices({ imports: courseImportRepo(db.kysely), courses: courseRepo(db.kysely), clock: { now: () => now }, ids: { newId: randomUUID } });
  });
  afterAll(async () => db?.close());

  const stageRich = async (contextId: string, format: 'native' | 'gift' = 'native') =>
    s.stageCourseImport({ contextId, filename: `c.${format === 'native' ? 'json' : 'gift'}`, source: Readable.from([(await writeCourseFile(format, aRichCourse())).body]) });
  const active = async (contextId: string) =>
    db.kysely.selectFrom('items').select('key').where('context_id', '=', contextId).where('active', '=', 1 as never).orderBy('key').execute();

  it('two commits of one import (two clicks, two processes): exactly one runs', async () => {
    const ctx = await aContext(db.kysely);
    const id = await stageRich(ctx);
    const results = await Promise.allSettled([s.startCourseImport({ contextId: ctx, id, mode: 'add' }), s.startCourseImport({ contextId: ctx, id, mode: 'add' })]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    // The other click is refused as busy (it read the import while the first was committing) or gone (it read it once
    // the first had finished, on a loaded machine): either way it ran nothing.
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'ERR_IMPORT_REJECTED', reason: expect.stringMatching(/^staging_(busy|gone)$/) } });
    await (won[0] as PromiseFulfilledResult<{ done: Promise<unknown> }>).value.done;
    expect((await s.getCourseImport({ contextId: ctx, id })).status).toBe('committed');
    expect(await active(ctx)).toHaveLength(6);
  });

  it('a commit while another process is committing the import is refused as busy, and changes nothing', async () => {
    const ctx = await aContext(db.kysely);
    const id = await stageRich(ctx);
    // Another process claimed it a moment ago (its commit is still running).
    expect(await courseImportRepo(db.kysely).claim(id, now, now - 60_000)).toBe(true);
    await expect(s.startCourseImport({ contextId: ctx, id, mode: 'add' })).rejects.toMatchObject({ code: 'ERR_IMPORT_REJECTED', reason: 'staging_busy' });
    expect(await active(ctx)).toHaveLength(0);
  });

  it('another course cannot see or commit an import', async () => {
    const ctx = await aContext(db.kysely);
    const other = await aContext(db.kysely);
    const id = await stageRich(ctx);
    await expect(s.getCourseImport({ contextId: other, id })).rejects.toMatchObject({ reason: 'staging_gone' });
    await expect(s.startCourseImport({ contextId: other, id, mode: 'add' })).rejects.toMatchObject({ reason: 'staging_gone' });
  });

  it('merging objectives in the preview moves their questions and repoints prerequisites', async () => {
    const ctx = await aContext(db.kysely);
    const id = await stageRich(ctx);
    await s.regroupCourseImport({ contextId: ctx, id, changes: [{ key: 'halves', title: 'All fractions' }, { key: 'amounts', into: 'halves' }] });
    const draft = (await s.getCourseImport({ contextId: ctx, id })).draft!;
    expect(draft.objectives.map((o) => [o.key, o.title, o.prerequisites])).toEqual([['halves', 'All fractions', []]]);
    expect(new Set(draft.items.map((i) => i.objective))).toEqual(new Set(['halves']));
    await (await s.startCourseImport({ contextId: ctx, id, mode: 'add' })).done;
    expect((await db.kysely.selectFrom('objectives').select('title').where('context_id', '=', ctx).execute()).map((o) => o.title)).toEqual(['All fractions']);
  });

  it('a commit that fails changes nothing, says why, and can be retried', async () => {
    const ctx = await aContext(db.kysely);
    const id = await stageRich(ctx);
    // The course disappears between preview and commit (its LMS context was removed): the transaction fails whole.
    await db.kysely.deleteFrom('contexts').where('id', '=', ctx).execute();
    const run = await s.startCourseImport({ contextId: ctx, id, mode: 'replace' });
    await expect(run.done).rejects.toBeTruthy();
    const failed = await s.getCourseImport({ contextId: ctx, id });
    expect(failed.status).toBe('failed');
    expect(failed.outcome?.error).toEqual({ key: 'interop.commitFailed' });
    expect(await active(ctx)).toEqual([]);
    expect(await db.kysely.selectFrom('objectives').select('id').where('context_id', '=', ctx).execute()).toEqual([]);
  });

  it('a commit that died with its process may be retried after 10 minutes, not before', async () => {
    const ctx = await aContext(db.kysely);
    const id = await stageRich(ctx);
    await courseImportRepo(db.kysely).claim(id, now, now - 1); // a process claimed it, then died
    await expect(s.startCourseImport({ contextId: ctx, id, mode: 'add' })).rejects.toMatchObject({ reason: 'staging_busy' });
    await expect(s.discardCourseImport({ contextId: ctx, id })).rejects.toMatchObject({ reason: 'staging_busy' });
    now += 11 * 60_000;
    await (await s.startCourseImport({ contextId: ctx, id, mode: 'add' })).done;
    expect(await active(ctx)).toHaveLength(6);
  });

  it('re-importing a GIFT export adds to the course by objective title and item key, without duplicates', async () => {
    const ctx = await aContext(db.kysely);
    await (await s.startCourseImport({ contextId: ctx, id: await stageRich(ctx), mode: 'add' })).done;
    await (await s.startCourseImport({ contextId: ctx, id: await stageRich(ctx, 'gift'), mode: 'add' })).done;
    expect(await active(ctx)).toHaveLength(6);
    const objectives = await db.kysely.selectFrom('objectives').select(['key', 'active']).where('context_id', '=', ctx).orderBy('key').execute();
    expect(objectives.map((o) => o.key)).toEqual(['amounts', 'halves']);
    // Prerequisites and pages of the course are kept by an "add" import of a format that has none.
    const exported = await s.exportCourseAs({ contextId: ctx, format: 'native' });
    const file = JSON.parse(exported!.body.toString());
    expect(file.objectives[1].prerequisites).toEqual(['halves']);
    expect(file.content).toHaveLength(1);
  });
});

describe('staged imports are kept two weeks', () => {
  it('an upload clears the course imports older than that', async () => {
    const db = await openTestDb();
    try {
      let now = 1_700_000_000_000;
      const s = buildCourseImportServices({ imports: courseImportRepo(db.kysely), courses: courseRepo(db.kysely), clock: { now: () => now }, ids: { newId: randomUUID } });
      const ctx = await aContext(db.kysely);
      const stage = async () => s.stageCourseImport({ contextId: ctx, filename: 'c.json', source: Readable.from([(await writeCourseFile('native', aRichCourse())).body]) });
      const old = await stage();
      now += 15 * 24 * 3600_000;
      const fresh = await stage();
      expect((await s.recentCourseImports(ctx)).map((r) => r.id)).toEqual([fresh]);
      expect(old).not.toBe(fresh);
    } finally {
      await db.close();
    }
  });
});
