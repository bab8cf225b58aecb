import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/domain/random.js';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { recomputeMastery } from '../../src/services/recomputeMastery.js';
import type { EngineTx, MasteryChange } from '../../src/services/enginePorts.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext, aCourseFile, aLearner, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { presentFeedback } from '../../src/web/presenters/student.js';
import { translator } from '../../src/i18n/index.js';

describe('submitResponse', () => {
  let db: TestDb;
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 1000) };
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());
  const deps = () => ({ courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock });

  async function setup() {
    const ctx = await aContext(db.kysely);
    await importCourse(deps(), { contextId: ctx, file: aCourseFile() });
    const user = await aLearner(db.kysely, ctx);
    const items = await courseRepo(db.kysely).listItems(ctx);
    const byKey = (k: string) => items.find((i) => i.key === k)!;
    return { ctx, user, items, byKey };
  }

  it('returns the first result for a double submit and changes nothing', async () => {
    const { ctx, user, byKey } = await setup();
    const item = byKey('A-0');
    const changes: MasteryChange[] = [];
    const hook = { afterMasteryChange: async (_tx: EngineTx, c: MasteryChange) => void changes.push(c) };
    const first = await submitResponse({ ...deps(), ...hook }, { contextId: ctx, userId: user, itemId: item.id, attemptId: 'attempt-0001', answer: 'b' });
    expect(first).toMatchObject({ correct: true, replayed: false, change: { stateAfter: 'checking' } }); // a first right answer makes the learner ready for a check
    expect(first.change.pAfter).toBeGreaterThan(first.change.pBefore);
    expect(changes).toHaveLength(1);
    const rowsBefore = await db.kysely.selectFrom('learner_objectives').select(['objective_id', 'p', 'data']).where('user_id', '=', user).orderBy('objective_id').execute();
    const second = await submitResponse({ ...deps(), ...hook }, { contextId: ctx, userId: user, itemId: item.id, attemptId: 'attempt-0001', answer: 'a' });
    expect(second).toEqual({ ...first, replayed: true });
    expect(changes).toHaveLength(1);
    const count = await db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', user).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    expect(await db.kysely.selectFrom('learner_objectives').select(['objective_id', 'p', 'data']).where('user_id', '=', user).orderBy('objective_id').execute()).toEqual(rowsBefore);
    // Concurrent double submits: one event, same answer.
    const both = await Promise.all(
      [0, 1].map(() => submitResponse(deps(), { contextId: ctx, userId: user, itemId: byKey('A-1').id, attemptId: 'attempt-0002', answer: '42' })),
    );
    expect(both[0]).toEqual({ ...both[1], replayed: both[0]!.replayed });
    expect(Number((await db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', user).executeTakeFirstOrThrow()).n)).toBe(2);
  });

  it('tells the student when a check grows by one question, then reports the check of 4 (ADR 0013)', async () => {
    const { ctx, user, byKey } = await setup();
    let n = 0;
    const answer = (key: string, right: boolean) => {
      const item = byKey(key);
      return submitResponse(deps(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `grow-${++n}-attempt`, answer: right ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
    };
    expect((await answer('A-0', true)).change.stateAfter).toBe('checking');
    await answer('A-1', true);
    await answer('A-2', true);
    const third = await answer('A-3', false);
    expect(third.check).toMatchObject({ answered: 3, length: 4, finished: false, extended: true });
    expect(presentFeedback(third, translator()).status.text).toBe('Answer saved. One more question, to be sure — then you will see your results.');
    const fourth = await answer('A-4', true);
    expect(fourth.check).toMatchObject({ length: 4, correct: 3, finished: true, passed: true });
    expect(fourth.change.stateAfter).toBe('mastered');
  });

  it('records an answer on a mastered objective whose retention is not due as practice, as selection would label it', async () => {
    const { ctx, user, items } = await setup();
    const onA = items.filter((i) => i.key.startsWith('A-'));
    let n = 0;
    let last;
    for (const item of onA) {
      last = await submitResponse(deps(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `mastered-${++n}-0000`, answer: rightAnswerFor(item.kind) });
      if (last.change.stateAfter === 'mastered') break;
    }
    expect(last?.change.stateAfter).toBe('mastered');
    // An item issued before mastery (another tab) arrives now: it counts as practice, not as a retention item.
    const late = onA[n]!;
    const result = await submitResponse(deps(), { contextId: ctx, userId: user, itemId: late.id, attemptId: 'mastered-late-0000', answer: rightAnswerFor(late.kind) });
    expect(result).toMatchObject({ phase: 'practice', change: { stateBefore: 'mastered', stateAfter: 'mastered' } });
    const row = await db.kysely.selectFrom('responses').select('phase').where('attempt_id', '=', 'mastered-late-0000').executeTakeFirstOrThrow();
    expect(row.phase).toBe('practice');
  });

  it('refuses an attempt id reused for another question, and locked objectives', async () => {
    const { ctx, user, byKey } = await setup();
    await submitResponse(deps(), { contextId: ctx, userId: user, itemId: byKey('A-0').id, attemptId: 'attempt-0003', answer: 'b' });
    await expect(submitResponse(deps(), { contextId: ctx, userId: user, itemId: byKey('A-1').id, attemptId: 'attempt-0003', answer: '42' })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    const c = byKey('C-0');
    await expect(submitResponse(deps(), { contextId: ctx, userId: user, itemId: c.id, attemptId: 'attempt-0004', answer: 'b' })).rejects.toMatchObject({ code: 'ERR_OBJECTIVE_LOCKED' });
  });

  it('keeps the incremental projection equal to a recompute after a random sequence of responses', async () => {
    const { ctx, items: unordered } = await setup();
    const items = [...unordered].sort((a, b) => a.key.localeCompare(b.key));
    const users = [await aLearner(db.kysely, ctx, 'One'), await aLearner(db.kysely, ctx, 'Two'), await aLearner(db.kysely, ctx, 'Three')];
    const rng = mulberry32(7);
    let n = 0;
    for (let step = 0; step < 150; step++) {
      const user = users[Math.floor(rng.next() * users.length)]!;
      const item = items[Math.floor(rng.next() * items.length)]!;
      const answer = rng.next() < 0.75 ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind);
      try {
        await submitResponse(deps(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `rand-${step}-${n++}`, answer });
      } catch (err) {
        if (!['ERR_OBJECTIVE_LOCKED', 'ERR_CONFLICT'].includes((err as { code?: string }).code ?? '')) throw err;
      }
    }
    const snapshot = async () => ({
      progress: await db.kysely.selectFrom('learner_objectives').select(['user_id', 'objective_id', 'p', 'state', 'responses', 'cycles', 'stuck', 'last_check_item_ids', 'locked_grade', 'data']).where('context_id', '=', ctx).orderBy('user_id').orderBy('objective_id').execute(),
      learners: await db.kysely.selectFrom('learners').select(['user_id', 'ability', 'overrides', 'recent_items', 'events']).where('context_id', '=', ctx).orderBy('user_id').execute(),
      stats: await db.kysely.selectFrom('item_stats as s').innerJoin('items as i', 'i.id', 's.item_id').select(['s.item_id', 's.difficulty', 's.n', 's.correct', 's.mastered_n', 's.mastered_correct', 's.flagged']).where('i.context_id', '=', ctx).orderBy('s.item_id').execute(),
      explanations: await db.kysely.selectFrom('explanations').select(['user_id', 'objective_id', 'event_id', 'kind', 'rule', 'from_state', 'to_state', 'evidence', 'message', 'at']).where('context_id', '=', ctx).orderBy('id').execute(),
    });
    const incremental = await snapshot();
    expect(incremental.progress.some((p) => p.state === 'mastered' || p.state === 'checking' || p.state === 'reteaching')).toBe(true);
    const summary = await recomputeMastery(deps(), { contextId: ctx });
    expect(summary.events).toBeGreaterThan(30);
    expect(await snapshot()).toEqual(incremental);

    // Submissions racing a recompute are neither lost nor double counted.
    const racing = users.map((user, i) => {
      const item = items.find((it) => it.key === `A-${i + 3}`)!;
      return submitResponse(deps(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `race-attempt-${i}`, answer: rightAnswerFor(item.kind) }).catch(
        (err: { code?: string }) => {
          if (err.code !== 'ERR_CONFLICT') throw err;
        },
      );
    });
    await Promise.all([recomputeMastery(deps(), { contextId: ctx }), ...racing]);
    const afterRace = await snapshot();
    await recomputeMastery(deps(), { contextId: ctx });
    expect(await snapshot()).toEqual(afterRace);
  });
});
