import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/domain/random.js';
import { importCourse } from '../../src/services/importCourse.js';
import { nextActivity, type Activity } from '../../src/services/nextActivity.js';
import { submitResponse, type SubmitResult } from '../../src/services/submitResponse.js';
import { getMasteryMap } from '../../src/services/getMasteryMap.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext, aCourseFile, aLearner, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { render, translator } from '../../src/i18n/index.js';

/** An explanation's message as an English page shows it. */
const english = (m: Parameters<typeof render>[1] | null | undefined) => (m == null ? '' : render(translator(), m));

type ItemActivity = Extract<Activity, { kind: 'item' }>;

describe('the mastery loop through the services', () => {
  let db: TestDb;
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 5000) };
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());
  const deps = () => ({
    courses: courseRepo(db.kysely),
    learners: learnerStore(db.kysely, db.dialect),
    clock,
    rng: mulberry32(42),
    ids: { newId: randomUUID },
  });

  async function student() {
    const ctx = await aContext(db.kysely);
    await importCourse(deps(), { contextId: ctx, file: aCourseFile() });
    const user = await aLearner(db.kysely, ctx);
    const ids = new Map((await courseRepo(db.kysely).snapshot(ctx))!.objectives.map((o) => [o.key, o.id]));
    const next = (objectiveKey?: string, skipIntro = true) =>
      nextActivity(deps(), { contextId: ctx, userId: user, ...(objectiveKey ? { objectiveId: ids.get(objectiveKey)! } : {}), skipIntro });
    const answer = (a: ItemActivity, right: boolean): Promise<SubmitResult> =>
      submitResponse(deps(), { contextId: ctx, userId: user, itemId: a.item.id, attemptId: a.attemptId, answer: right ? rightAnswerFor(a.item.kind) : wrongAnswerFor(a.item.kind) });
    const item = async (key?: string): Promise<ItemActivity> => {
      const a = await next(key);
      if (a.kind !== 'item') throw new Error(`expected an item, got ${a.kind}`);
      expect(JSON.stringify(a)).not.toMatch(/"answer"|correctChoice|acceptedAnswers/);
      return a;
    };
    return { ctx, user, ids, next, answer, item };
  }

  it('practice → failed check → reteach → guided practice → re-check on fresh items → mastered → next objective unlocks', async () => {
    const s = await student();
    const first = await s.next(undefined, false);
    expect(first).toMatchObject({ kind: 'lesson', objective: { title: 'Objective A', state: 'available' } });

    // Practice until the mastery rule holds and a check starts.
    let r: SubmitResult | undefined;
    for (let i = 0; i < 8 && r?.change.stateAfter !== 'checking'; i++) r = await s.answer(await s.item('A'), true);
    expect(r?.change.stateAfter).toBe('checking');
    expect(r?.notes.map((n) => n.kind)).toContain('checking');

    // Fail the check.
    const firstCheck: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await s.item('A');
      expect(a).toMatchObject({ phase: 'check', check: { number: i + 1, length: 3 } });
      firstCheck.push(a.item.id);
      r = await s.answer(a, false);
    }
    expect(r).toMatchObject({ check: { finished: true, passed: false, correct: 0 }, change: { stateAfter: 'reteaching' } });
    expect(english(r?.notes.find((n) => n.kind === 'reteaching')?.message)).toMatch(/^Let's go over Objective A again: the check was not passed this time/);

    // Reteach content first, then guided practice until the re-check.
    const reteach = await s.next('A', false);
    expect(reteach).toMatchObject({ kind: 'reteach', pages: [expect.objectContaining({ title: 'A again' })] });
    expect(english(reteach.kind === 'reteach' ? reteach.reason : null)).toMatch(/^Let's go over Objective A again/);
    for (let i = 0; i < 8 && r?.change.stateAfter !== 'checking'; i++) {
      const a = await s.item('A');
      expect(a.phase).toBe('guided');
      r = await s.answer(a, true);
    }
    expect(r?.notes.map((n) => n.kind)).toContain('rechecking');

    // Re-check on fresh items: none from the previous check.
    const secondCheck: string[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await s.item('A');
      expect(a.phase).toBe('check');
      secondCheck.push(a.item.id);
      r = await s.answer(a, true);
    }
    expect(secondCheck.filter((id) => firstCheck.includes(id))).toEqual([]);
    expect(new Set(secondCheck).size).toBe(3);
    expect(r).toMatchObject({ check: { finished: true, passed: true, correct: 3 }, change: { stateAfter: 'mastered' } });
    expect(r?.unlocked).toEqual([expect.objectContaining({ title: 'Objective B', message: expect.objectContaining({ key: 'explain.unlockedBecause' }) })]);
    expect(english(r?.unlocked[0]?.message)).toMatch(/^Unlocked because you mastered Objective A/);

    // Enrichment after mastery, and the map explains the unlock.
    const done = await s.next('A');
    expect(done).toMatchObject({ kind: 'mastered', pages: [expect.objectContaining({ title: 'More A' })] });
    const map = await getMasteryMap(deps(), { contextId: s.ctx, userId: s.user });
    expect(map.objectives.map((o) => [o.title, o.state])).toEqual([
      ['Objective A', 'mastered'],
      ['Objective B', 'available'],
      ['Objective C', 'locked'],
    ]);
    expect(english(map.objectives[1]?.why)).toMatch(/Unlocked because you mastered Objective A/);
    expect(map.objectives[2]?.lockedUntil).toEqual(['Objective B']);
    expect(map.progress).toMatchObject({ total: 3, mastered: 1, available: 1, locked: 1 });
    expect(await s.next(undefined, false)).toMatchObject({ kind: 'lesson', objective: { title: 'Objective B' } });
  });

  it('flags a wheel-spinning student for the instructor and offers reteach, not "move on"', async () => {
    const s = await student();
    let r: SubmitResult | undefined;
    for (let i = 0; i < 10; i++) r = await s.answer(await s.item('A'), false);
    expect(r?.change.stateAfter).toBe('reteaching');
    expect(english(r?.notes.find((n) => n.kind === 'reteaching')?.message)).toMatch(/taking many tries \(10\).*Your instructor has been told/);
    expect(r?.notes.map((n) => english(n.message)).join(' ')).not.toMatch(/move on/);
    expect(await s.next('A', false)).toMatchObject({ kind: 'reteach' });
    const map = await getMasteryMap(deps(), { contextId: s.ctx, userId: s.user });
    expect(map.objectives[0]).toMatchObject({ state: 'reteaching', stuck: true });
  });

  it('flags a student "not mastered" at the cycle cap and lets them move on', async () => {
    const s = await student();
    let r: SubmitResult | undefined;
    // Right in practice, then right, wrong, wrong in every check: five failed checks reach the cap.
    for (let i = 0; i < 40 && r?.change.stateAfter !== 'not_mastered'; i++) {
      const a = await s.item('A');
      r = await s.answer(a, a.phase !== 'check' || a.check?.number === 1);
    }
    expect(r?.change.stateAfter).toBe('not_mastered');
    expect(english(r?.notes.find((n) => n.kind === 'stuck')?.message)).toMatch(/is not mastered yet after 5 checks. Your instructor has been told and can help/);
    const stuck = await s.next('A');
    expect(stuck).toMatchObject({ kind: 'stuck', next: { title: 'Objective B' } });
    const map = await getMasteryMap(deps(), { contextId: s.ctx, userId: s.user });
    expect(map.objectives[0]).toMatchObject({ state: 'not_mastered', stuck: true });
    expect(map.objectives[1]).toMatchObject({ state: 'available' });
    expect(english(map.objectives[1]?.why)).toMatch(/moved on from Objective A/);
  });

  it('refuses items on locked objectives and shows what they wait for', async () => {
    const s = await student();
    expect(await s.next('C')).toMatchObject({ kind: 'locked', lockedUntil: ['Objective B'] });
  });
});
