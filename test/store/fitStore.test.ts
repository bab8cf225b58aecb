import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { fitStore } from '../../src/store/instructorRepo.js';
import { aContext, aCourseFile, aLearner, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { openTestDb, type TestDb } from '../support/db.js';

describe('fit store: the course sequences the course-level learner model is fitted from (real store)', () => {
  let db: TestDb;
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 1000) };
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());
  const engine = () => ({ courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock });

  it('lists each student’s responses across objectives in log order, with item, time and the responses that began reteaching', async () => {
    const ctx = await aContext(db.kysely);
    const file = aCourseFile({ itemsPerObjective: 6, objectives: ['A', 'B'] });
    file.objectives[1] = { ...file.objectives[1], prerequisites: [] };
    await importCourse(engine(), { contextId: ctx, file });
    const items = await courseRepo(db.kysely).listItems(ctx);
    const byKey = new Map(items.map((i) => [i.key, i]));
    const objectiveOf = new Map(items.map((i) => [i.id, i.objectiveId]));
    const expected = new Map<string, { objectiveId: string; itemId: string; correct: boolean; reteach: boolean }[]>();
    let attempt = 0;
    const answer = async (user: string, key: string, right: boolean) => {
      const item = byKey.get(key)!;
      const r = await submitResponse(engine(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `seq-attempt-${++attempt}`, answer: right ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
      const list = expected.get(user) ?? [];
      list.push({ objectiveId: objectiveOf.get(item.id)!, itemId: item.id, correct: right, reteach: r.change.stateAfter === 'reteaching' && r.change.stateBefore !== 'reteaching' });
      expected.set(user, list);
    };
    const ada = await aLearner(db.kysely, ctx, 'Ada');
    const bob = await aLearner(db.kysely, ctx, 'Bob');
    // Interleaved learners and objectives; Ada's three wrong answers in a row on A begin reteaching (struggle).
    await answer(ada, 'A-0', false);
    await answer(bob, 'B-0', true);
    await answer(ada, 'B-1', true);
    await answer(ada, 'A-1', false);
    await answer(ada, 'A-2', false);
    await answer(bob, 'A-3', true);
    await answer(ada, 'A-3', true);

    const seqs = await fitStore(db.kysely).courseSequences(ctx);
    const strip = seqs.map((s) => s.map(({ objectiveId, itemId, correct, reteach }) => ({ objectiveId, itemId, correct, reteach })));
    expect(strip).toEqual([...expected.keys()].sort().map((u) => expected.get(u)));
    expect(strip.flat().filter((r) => r.reteach)).toHaveLength(1);
    for (const s of seqs) {
      const times = s.map((r) => r.at as number);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times.every((x) => x > 1_700_000_000_000)).toBe(true);
    }
    expect(await fitStore(db.kysely).courseSequences('no-such-context')).toEqual([]);
  }, 90_000);
});
