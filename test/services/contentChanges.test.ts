import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteItem, openDraft, publishDraft, saveItem, type AuthorCourseDeps } from '../../src/services/authorCourse.js';
import { importCourse } from '../../src/services/importCourse.js';
import { exportCourse } from '../../src/services/exportCourse.js';
import { recomputeMastery } from '../../src/services/recomputeMastery.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { authoringRepo } from '../../src/store/authoringRepo.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext, aCourseFile, aLearner } from '../factories.engine.js';

describe('content changes after students started (events in the log, ADR 0016)', () => {
  let db: TestDb;
  let ctx: string;
  let user: string;
  let deps: AuthorCourseDeps;
  let regrades = 0;
  const clock = { now: () => 1_700_000_000_000 };
  const engine = () => ({ courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock });
  const projection = () =>
    db.kysely.selectFrom('learner_objectives').select(['objective_id', 'p', 'state', 'responses', 'data']).where('user_id', '=', user).orderBy('objective_id').execute();
  const log = (type: string) => db.kysely.selectFrom('responses').selectAll().where('context_id', '=', ctx).where('type', '=', type).orderBy('id').execute();
  const itemId = async (key: string) => (await db.kysely.selectFrom('items').select('id').where('context_id', '=', ctx).where('key', '=', key).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    db = await openTestDb();
    ctx = await aContext(db.kysely);
    await importCourse({ courses: courseRepo(db.kysely), clock }, { contextId: ctx, file: aCourseFile() });
    user = await aLearner(db.kysely, ctx);
    deps = {
      courses: courseRepo(db.kysely),
      authoring: authoringRepo(db.kysely),
      clock,
      ids: { newId: randomUUID },
      exportCourse: (c) => exportCourse({ courses: courseRepo(db.kysely) }, c),
      regrade: async (c) => {
        regrades++;
        await recomputeMastery(engine(), { contextId: c });
      },
    };
    // A-0 right (choice b), A-1 right (42), A-2 wrong.
    for (const [i, [key, answer]] of ([['A-0', 'b'], ['A-1', '42'], ['A-2', 'whole']] as const).entries()) {
      await submitResponse(engine(), { contextId: ctx, userId: user, itemId: await itemId(key), attemptId: `content-change-${i}`, answer });
    }
  });
  afterAll(async () => db?.close());

  it('removing an item keeps its answers: the publish is an event and a recompute reproduces the projection', async () => {
    const before = await projection();
    await deleteItem(deps, { contextId: ctx, actor: user, key: 'A-2' });
    const result = await publishDraft(deps, { contextId: ctx, actor: user });
    expect(result).toMatchObject({ status: 'published', regraded: 0, summary: { items: { deactivated: 1 } } });
    const published = await log('content_published');
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ user_id: null, objective_id: null });
    expect(await db.kysely.selectFrom('items').select('active').where('key', '=', 'A-2').where('context_id', '=', ctx).executeTakeFirstOrThrow()).toEqual({ active: 0 });
    expect(await db.kysely.selectFrom('course_drafts').selectAll().execute()).toEqual([]);
    await recomputeMastery(engine(), { contextId: ctx });
    expect(await projection()).toEqual(before);
  });

  it('a changed answer key waits for the instructor; "keep" leaves past results as graded', async () => {
    const before = await projection();
    const form = { objective: 'A', kind: 'mc_single', prompt: 'A question 0?', choice0: 'one', choice1: 'two', choice2: 'three', right: '0', feedbackCorrect: 'Right.', feedbackIncorrect: 'Look again at A.' };
    await saveItem(deps, { contextId: ctx, actor: user, original: 'A-0', form });
    const waiting = await publishDraft(deps, { contextId: ctx, actor: user });
    expect(waiting).toEqual({ status: 'needs_decision', changedKeys: [{ key: 'A-0', prompt: 'A question 0?', answers: 1, wouldChange: 1 }] });
    expect((await openDraft(deps, ctx)).unpublished).toBe(true); // nothing applied
    const kept = await publishDraft(deps, { contextId: ctx, actor: user, answerKeys: 'keep' });
    expect(kept).toMatchObject({ status: 'published', regraded: 0 });
    expect(await log('response_regraded')).toEqual([]);
    expect(JSON.parse((await log('content_published')).at(-1)?.data ?? '{}')).toMatchObject({ answerKeys: 'keep', changedKeys: ['A-0'] });
    expect(await projection()).toEqual(before);
    await recomputeMastery(engine(), { contextId: ctx });
    expect(await projection()).toEqual(before);
  });

  it('"regrade" appends a correction per changed answer; the projection follows and a recompute reproduces it', async () => {
    const before = await projection();
    await saveItem(deps, { contextId: ctx, actor: user, original: 'A-1', form: { objective: 'A', kind: 'numeric', prompt: 'A number 1?', value: '7', tolerance: '0' } });
    const done = await publishDraft(deps, { contextId: ctx, actor: user, answerKeys: 'regrade' });
    expect(done).toMatchObject({ status: 'published', regraded: 1 });
    expect(regrades).toBe(1);
    const corrections = await log('response_regraded');
    expect(corrections).toHaveLength(1);
    expect(corrections[0]).toMatchObject({ user_id: user, item_id: await itemId('A-1'), correct: 0 });
    expect(JSON.parse(corrections[0]?.data ?? '{}')).toMatchObject({ of: 'content-change-1' });
    // The original answer stays in the log as it was graded.
    expect(await db.kysely.selectFrom('responses').select('correct').where('attempt_id', '=', 'content-change-1').executeTakeFirstOrThrow()).toEqual({ correct: 1 });
    const after = await projection();
    const pOf = (rows: typeof before) => rows.find((r) => r.objective_id === corrections[0]?.objective_id)?.p ?? NaN;
    expect(pOf(after)).toBeLessThan(pOf(before));
    await recomputeMastery(engine(), { contextId: ctx });
    expect(await projection()).toEqual(after);
  });
});
