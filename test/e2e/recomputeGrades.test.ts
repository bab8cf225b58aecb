import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { aCourseFile, rightAnswerFor } from '../factories.engine.js';
import { startPassbackRig, type PassbackRig } from './passbackSupport.js';

/**
 * `npm run recompute` (the composition's recomputeWithGrades) after the log changed under the projection: mastery is
 * rebuilt, and so are the grade standings the LMS grades come from, with the changed grade queued in the outbox and
 * sent — as the re-grade after a changed answer key does.
 */
describe('recompute refreshes grade standings and sends the grades that changed', () => {
  let rig: PassbackRig;
  beforeAll(async () => {
    rig = await startPassbackRig('generic', { students: 1 });
  });
  afterAll(async () => rig?.close());

  it('a student whose answers no longer show mastery gets a new grade in the LMS after a recompute', async () => {
    const c = rig.tool.composition;
    await rig.adv.lineItems.savePolicy({ ...defaultPolicy(rig.contextId), perObjective: true, perActivity: false }, Date.now());
    await c.engine.importCourse({ contextId: rig.contextId, file: aCourseFile() });
    const student = rig.userIds.get(rig.students[0]!)!;
    const items = (await c.repos.courses.listItems(rig.contextId)).filter((i) => i.key.startsWith('A-'));
    const k = rig.tool.db.kysely;
    const stateOfA = async () =>
      (await k.selectFrom('learner_objectives as l').innerJoin('objectives as o', 'o.id', 'l.objective_id').select('l.state').where('l.user_id', '=', student).where('o.key', '=', 'A').executeTakeFirst())?.state;
    for (const [n, it] of items.entries()) {
      await c.engine.submitResponse({ contextId: rig.contextId, userId: student, itemId: it.id, attemptId: `recompute-grades-${n}`, answer: rightAnswerFor(it.kind) });
      if ((await stateOfA()) === 'mastered') break;
    }
    expect(await stateOfA()).toBe('mastered');
    await rig.adv.drainUntilIdle();
    const sentBefore = (await rig.lms.devplatform.scoreHistory()).filter((s) => s.userId === rig.students[0]);
    const scoreBefore = sentBefore.at(-1)?.scoreGiven ?? 0;
    expect(scoreBefore).toBeGreaterThan(0);

    // The log changes under the projection (an operator's repair): only the first answer is left.
    const first = await k.selectFrom('responses').select(['id']).where('user_id', '=', student).orderBy('occurred_at').orderBy('id').executeTakeFirstOrThrow();
    await k.deleteFrom('explanations').where('user_id', '=', student).execute();
    await k.deleteFrom('responses').where('user_id', '=', student).where('id', '<>', first.id).execute();

    const done = await c.recomputeWithGrades(rig.contextId);
    expect(done).toMatchObject({ contextId: rig.contextId, events: 1 });
    expect(done.gradesQueued).toBeGreaterThan(0);
    expect(await stateOfA()).not.toBe('mastered');
    await rig.adv.drainUntilIdle();
    const sentAfter = (await rig.lms.devplatform.scoreHistory()).filter((s) => s.userId === rig.students[0]);
    expect(sentAfter.length).toBeGreaterThan(sentBefore.length);
    // Mastery once shown keeps its score (ADR 0012); the grade sent again says the objective is being reviewed now.
    expect(sentAfter.at(-1)).toMatchObject({ lineItemId: sentBefore.at(-1)?.lineItemId, scoreGiven: scoreBefore });
    expect(sentAfter.at(-1)?.comment).not.toBe(sentBefore.at(-1)?.comment);
    // Nothing moved since: a second recompute queues nothing.
    expect((await c.recomputeWithGrades(rig.contextId)).gradesQueued).toBe(0);
  });
});
