/**
 * Grade semantics (docs/decisions/0012-grade-semantics.md) through the real hook, outbox, drain and the emulator in
 * Moodle mode: unlocking posts nothing, practising posts progress with no grade (no zero), mastery posts the grade,
 * a reset empties the column again, and repeated practice in the same state posts nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gradebook, masteryChange, startPassbackRig, type PassbackRig } from './passbackSupport.js';

describe('grade semantics in the LMS gradebook (moodle)', () => {
  let rig: PassbackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('posts nothing on unlock, progress without a grade while practising, the grade on mastery, and empties it on reset', async () => {
    rig = await startPassbackRig('moodle', { students: 1 });
    const sub = rig.students[0]!;
    const t0 = Date.UTC(2026, 11, 3, 9);
    const history = async () => (await rig!.lms.devplatform.scoreHistory()).map((s) => [s.scoreGiven, s.activityProgress, s.gradingProgress, s.comment, s.applied]);

    // Unlocked (by a prerequisite or by the instructor): not started, nothing is posted.
    await masteryChange(rig, sub, 'obj-a', 0.2, 'available', t0);
    await rig.adv.drainUntilIdle();
    expect(await history()).toEqual([]);

    // Practising: progress, no grade. Further practice in the same state posts nothing more.
    await masteryChange(rig, sub, 'obj-a', 0.5, 'practising', t0 + 1000);
    await masteryChange(rig, sub, 'obj-a', 0.7, 'practising', t0 + 2000);
    await rig.adv.drainUntilIdle();
    await masteryChange(rig, sub, 'obj-a', 0.8, 'practising', t0 + 3000);
    await rig.adv.drainUntilIdle();
    expect(await gradebook(rig)).toEqual({ [`masterly:objective:obj-a|${sub}`]: null });

    await masteryChange(rig, sub, 'obj-a', 0.97, 'mastered', t0 + 4000);
    await rig.adv.drainUntilIdle();
    expect(await gradebook(rig)).toEqual({ [`masterly:objective:obj-a|${sub}`]: 100 });

    // Reset by the instructor: the column is emptied (no grade, not a zero).
    await masteryChange(rig, sub, 'obj-a', 0.2, 'available', t0 + 5000);
    await rig.adv.drainUntilIdle();
    expect(await gradebook(rig)).toEqual({ [`masterly:objective:obj-a|${sub}`]: null });

    expect(await history()).toEqual([
      [undefined, 'InProgress', 'Pending', 'obj-a: practising. No grade yet: the grade is given on mastery.', true],
      [100, 'Completed', 'FullyGraded', 'obj-a: mastered on 3 Dec 2026.', true],
      [undefined, 'Initialized', 'NotReady', 'obj-a: not started yet.', true],
    ]);
    const ledger = await rig.adv.outbox.ledger(rig.contextId);
    expect(ledger.map((l) => l.status)).toEqual(['sent']);
  });
});
