/**
 * Grade semantics (docs/decisions/0012-grade-semantics.md) through the real hook, outbox, drain and the emulator in
 * Moodle mode: unlocking posts nothing, practising posts progress with no grade (no zero), mastery posts the grade,
 * a reset empties the column again, and repeated practice in the same state posts nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resendGrades } from '../../src/services/resendGrades.js';
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
    // The ledger says the same: no grade wanted, none sent (not "0 / 100").
    expect((await rig.adv.outbox.ledger(rig.contextId))[0]).toMatchObject({ status: 'sent', wantedScore: null, sentScore: null });

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

describe('a failed mastery check and reteach (canvas)', () => {
  let rig: PassbackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('posts one progress score per state (check, reteach, practice again), then the grade', async () => {
    rig = await startPassbackRig('canvas', { students: 1 });
    const sub = rig.students[0]!;
    const t0 = Date.UTC(2026, 11, 3, 9);
    const states = ['practising', 'checking', 'checking', 'reteaching', 'reteaching', 'practising', 'checking', 'mastered'] as const;
    for (const [i, state] of states.entries()) {
      await masteryChange(rig, sub, 'obj-a', 0.3 + i * 0.05, state, t0 + i * 1000);
      await rig.adv.drainUntilIdle();
    }
    const history = await rig.lms.devplatform.scoreHistory();
    expect(history.map((s) => [s.scoreGiven, s.activityProgress, s.gradingProgress, s.comment, s.applied])).toEqual([
      [undefined, 'InProgress', 'Pending', 'obj-a: practising. No grade yet: the grade is given on mastery.', true],
      [undefined, 'InProgress', 'Pending', 'obj-a: taking the mastery check. No grade yet: the grade is given on mastery.', true],
      [undefined, 'InProgress', 'Pending', 'obj-a: going over it again after a missed mastery check. No grade yet: the grade is given on mastery.', true],
      [undefined, 'InProgress', 'Pending', 'obj-a: practising. No grade yet: the grade is given on mastery.', true],
      [undefined, 'InProgress', 'Pending', 'obj-a: taking the mastery check. No grade yet: the grade is given on mastery.', true],
      [100, 'Completed', 'FullyGraded', 'obj-a: mastered on 3 Dec 2026.', true],
    ]);
    expect(await gradebook(rig)).toEqual({ [`masterly:objective:obj-a|${sub}`]: 100 });
  });
});

describe.each(['moodle', 'canvas'] as const)('reopening after mastery (%s)', (mode) => {
  let rig: PassbackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  // Both LMSs empty a grade on a score that is not FullyGraded (Moodle's scores.php; Canvas's scores controller sets
  // the submission's score to nil): a review after mastery keeps sending the earned grade; only a reset empties it.
  it('keeps the earned grade through review, re-check and reteach; a reset empties it', async () => {
    rig = await startPassbackRig(mode, { students: 1 });
    const sub = rig.students[0]!;
    const t0 = Date.UTC(2026, 11, 3, 9);
    const states = ['practising', 'mastered', 'needs_review', 'checking', 'reteaching', 'checking', 'available'] as const;
    const held: (number | null)[] = [];
    for (const [i, state] of states.entries()) {
      await masteryChange(rig, sub, 'obj-a', state === 'mastered' ? 0.97 : 0.6, state, t0 + i * 1000);
      expect((await rig.adv.drainUntilIdle()).failed).toBe(0);
      held.push((await gradebook(rig))[`masterly:objective:obj-a|${sub}`] ?? null);
    }
    expect(held).toEqual([null, 100, 100, 100, 100, 100, null]);
    const history = await rig.lms.devplatform.scoreHistory();
    expect(history.map((s) => [s.scoreGiven, s.gradingProgress, s.comment])).toEqual([
      [undefined, 'Pending', 'obj-a: practising. No grade yet: the grade is given on mastery.'],
      [100, 'FullyGraded', 'obj-a: mastered on 3 Dec 2026.'],
      [100, 'FullyGraded', 'obj-a: mastered on 3 Dec 2026; reviewing it now.'],
      [undefined, 'NotReady', 'obj-a: not started yet.'],
    ]);
  });
});

describe('timestamps the LMS accepts (moodle)', () => {
  let rig: PassbackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('wins a timestamp race: Moodle stamps progress with its own (later) clock, and still ends holding the current grade', async () => {
    // Moodle's clock runs 3 s ahead of the tool's: the "practising" score (no grade) is stamped with it at save time.
    rig = await startPassbackRig('moodle', { students: 1, lmsNow: () => Date.now() + 3000 });
    const sub = rig.students[0]!;
    const t0 = Date.now();
    await masteryChange(rig, sub, 'obj-a', 0.5, 'practising', t0);
    await rig.adv.drainUntilIdle();
    // Mastered in the same second: the event time (and the tool's clock) is earlier than Moodle's stamp.
    await masteryChange(rig, sub, 'obj-a', 0.97, 'mastered', t0 + 1);
    const report = await rig.adv.drainUntilIdle();
    expect(report.failed).toBe(0);
    expect(await gradebook(rig)).toEqual({ [`masterly:objective:obj-a|${sub}`]: 100 });

    const history = await rig.lms.devplatform.scoreHistory();
    // Progress, then refusals (409) of the grade until its timestamp passes Moodle's stamp, then the grade.
    expect(history.map((s) => [s.gradingProgress, s.applied])).toEqual([
      ['Pending', true],
      ...history.slice(1, -1).map(() => ['FullyGraded', false]),
      ['FullyGraded', true],
    ]);
    expect(history.length).toBeGreaterThan(2);
    // Every timestamp is strictly later, in whole seconds, than the one before.
    const seconds = history.map((s) => Math.floor(Date.parse(s.timestamp) / 1000));
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]).toBeGreaterThan(seconds[i - 1]!);
    expect((await rig.adv.outbox.ledger(rig.contextId))[0]).toMatchObject({ status: 'sent', sentScore: 100 });
  });

  it('"Resend" sends the current grade with a fresh, later timestamp, which Moodle accepts', async () => {
    rig = await startPassbackRig('moodle', { students: 1 });
    const sub = rig.students[0]!;
    await masteryChange(rig, sub, 'obj-a', 0.97, 'mastered', Date.UTC(2026, 11, 3, 9));
    await rig.adv.drainUntilIdle();
    const [row] = await rig.adv.outbox.ledger(rig.contextId);
    expect(await resendGrades({ outbox: rig.adv.outbox, clock: { now: () => Date.now() } }, { contextId: rig.contextId, ids: [row!.id] })).toBe(1);
    await rig.adv.drainUntilIdle();
    const history = await rig.lms.devplatform.scoreHistory();
    expect(history.map((s) => [s.scoreGiven, s.applied])).toEqual([
      [100, true],
      [100, true],
    ]);
    expect(Math.floor(Date.parse(history[1]!.timestamp) / 1000)).toBeGreaterThan(Math.floor(Date.parse(history[0]!.timestamp) / 1000));
  });
});

describe('a policy change (moodle)', () => {
  let rig: PassbackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('re-grades under the new policy at once: one new score per grade that changes, nothing for work in progress', async () => {
    rig = await startPassbackRig('moodle', { students: 1 });
    const sub = rig.students[0]!;
    await masteryChange(rig, sub, 'obj-a', 0.5, 'practising', Date.UTC(2026, 11, 3, 9));
    await masteryChange(rig, sub, 'obj-b', 0.97, 'mastered', Date.UTC(2026, 11, 3, 9));
    await rig.adv.drainUntilIdle();
    const teacher = rig.browsers.get(rig.instructorSub)!;
    const html = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const res = await teacher.postForm(`${rig.toolUrl}/instructor/grades/policy`, { csrf, policy: 'p_mastery', perObjective: '1', scoreMaximum: '10' });
    expect(res.status).toBe(303);
    await rig.adv.drainUntilIdle();
    const history = await rig.lms.devplatform.scoreHistory();
    const labels = new Map((await rig.lms.devplatform.results()).map((r) => [r.lineItemId, r.resourceId]));
    // Per column, in the order received (columns are sent concurrently).
    const rows = history.map((s) => [labels.get(s.lineItemId), s.scoreGiven, s.scoreMaximum, s.gradingProgress, s.comment, s.applied]);
    expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['masterly:objective:obj-a', undefined, undefined, 'Pending', 'obj-a: practising. No grade yet: the grade is given on mastery.', true],
      ['masterly:objective:obj-b', 100, 100, 'FullyGraded', 'obj-b: mastered on 3 Dec 2026.', true],
      ['masterly:objective:obj-b', 9.7, 10, 'FullyGraded', 'obj-b: mastered on 3 Dec 2026. Grade = estimated chance the objective is mastered.', true],
    ]);
    expect(await gradebook(rig)).toEqual({ [`masterly:objective:obj-a|${sub}`]: null, [`masterly:objective:obj-b|${sub}`]: 9.7 });
  });
});
