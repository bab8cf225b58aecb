import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDraft, publishDraft, saveItem, type AuthorCourseDeps } from '../../src/services/authorCourse.js';
import { importCourse } from '../../src/services/importCourse.js';
import { exportCourse } from '../../src/services/exportCourse.js';
import { authoringRepo } from '../../src/store/authoringRepo.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { render, translator } from '../../src/i18n/index.js';
import type { MessageOrText } from '../../src/domain/message.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext, aCourseFile } from '../factories.engine.js';

const question = (n: number) => ({
  objective: 'A',
  kind: 'mc_single',
  prompt: `Concurrent question ${n}?`,
  choice0: 'one',
  choice1: 'two',
  right: '0',
  feedbackCorrect: 'Right.',
  feedbackIncorrect: 'Look again.',
});

describe('two instructors editing one course draft at once (revisions, migration 0031)', () => {
  let db: TestDb;
  const clock = { now: () => 1_700_000_000_000 };
  const depsWith = (authoring: AuthorCourseDeps['authoring']): AuthorCourseDeps => ({
    courses: courseRepo(db.kysely),
    authoring,
    clock,
    ids: { newId: randomUUID },
    exportCourse: (c) => exportCourse({ courses: courseRepo(db.kysely) }, c),
    regrade: async () => {},
  });
  const aCourse = async () => {
    const ctx = await aContext(db.kysely);
    await importCourse({ courses: courseRepo(db.kysely), clock }, { contextId: ctx, file: aCourseFile() });
    return ctx;
  };
  const prompts = async (deps: AuthorCourseDeps, ctx: string) => (await openDraft(deps, ctx)).file.items.map((i) => i.prompt).filter((p) => p.startsWith('Concurrent'));

  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());

  it('keeps every one of several questions added at the same moment', async () => {
    const ctx = await aCourse();
    const deps = depsWith(authoringRepo(db.kysely));
    const keys = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => saveItem(deps, { contextId: ctx, actor: `teacher-${n}`, original: null, form: question(n) })));
    expect(new Set(keys).size).toBe(6);
    expect((await prompts(deps, ctx)).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Concurrent question ${n}?`));
  });

  it('re-applies an edit when another save came in between reading and saving, so both stay', async () => {
    const ctx = await aCourse();
    const repo = authoringRepo(db.kysely);
    const colleague = depsWith(repo);
    let interleaved = false;
    // The colleague's save lands after this instructor's edit read the draft and before it is saved.
    const racing = depsWith({
      ...repo,
      saveDraft: async (...args) => {
        if (!interleaved) {
          interleaved = true;
          await saveItem(colleague, { contextId: ctx, actor: 'colleague', original: null, form: question(1) });
        }
        return repo.saveDraft(...args);
      },
    });
    await saveItem(racing, { contextId: ctx, actor: 'me', original: null, form: question(2) });
    expect((await prompts(colleague, ctx)).sort()).toEqual(['Concurrent question 1?', 'Concurrent question 2?']);
  });

  it('gives up with a message saying to send the form again when the draft keeps changing', async () => {
    const ctx = await aCourse();
    const repo = authoringRepo(db.kysely);
    const colleague = depsWith(repo);
    let n = 10;
    const racing = depsWith({
      ...repo,
      saveDraft: async (...args) => {
        await saveItem(colleague, { contextId: ctx, actor: 'colleague', original: null, form: question(n++) });
        return repo.saveDraft(...args);
      },
    });
    const refused = await saveItem(racing, { contextId: ctx, actor: 'me', original: null, form: question(1) }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ERR_CONFLICT' });
    expect(render(translator('en'), (refused as { said: MessageOrText }).said)).toMatch(/Send the form again/);
    // The colleague's saves (one before each try) all stay; this instructor's question was not saved.
    expect(n - 10).toBeGreaterThan(1);
    expect(await prompts(colleague, ctx)).toHaveLength(n - 10);
    expect(await prompts(colleague, ctx)).not.toContain('Concurrent question 1?');
  });

  it('publishing keeps an edit saved while it ran as the next draft', async () => {
    const ctx = await aCourse();
    const repo = authoringRepo(db.kysely);
    const colleague = depsWith(repo);
    await saveItem(colleague, { contextId: ctx, actor: 'colleague', original: null, form: question(1) });
    // An edit saved between the publish reading the draft and deleting it.
    const publishing = depsWith({
      ...repo,
      deleteDraft: async (...args) => {
        await saveItem(colleague, { contextId: ctx, actor: 'colleague', original: null, form: question(2) });
        return repo.deleteDraft(...args);
      },
    });
    expect(await publishDraft(publishing, { contextId: ctx, actor: 'me' })).toMatchObject({ status: 'published' });
    const next = await openDraft(colleague, ctx);
    expect(next.unpublished).toBe(true);
    expect(next.file.items.map((i) => i.prompt)).toContain('Concurrent question 2?');
  });
});
