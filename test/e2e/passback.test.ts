import { afterEach, describe, expect, it } from 'vitest';
import type { Mode } from '../../src/devplatform/index.js';
import { expectOrderedHistory, gradebook, masteryChange, startPassbackRig, type PassbackRig } from './passbackSupport.js';

const OBJECTIVES = ['obj-a', 'obj-b', 'obj-c'];

/** A deterministic script of mastery events: each student moves through the objectives, some reach mastery. */
async function playScript(rig: PassbackRig, t0: number): Promise<Record<string, number | null>> {
  const expected: Record<string, number | null> = {};
  let t = t0;
  for (const [i, sub] of rig.students.entries()) {
    const mastered = new Set<string>();
    for (const [j, obj] of OBJECTIVES.entries()) {
      await masteryChange(rig, sub, obj, 0.4, 'practising', (t += 1000));
      const masters = (i + j) % 2 === 0;
      await masteryChange(rig, sub, obj, masters ? 0.97 : 0.6, masters ? 'mastered' : 'practising', (t += 1000));
      if (masters) mastered.add(obj);
      // Still practising: progress with no grade (never a zero).
      expected[`masterly:objective:${obj}|${sub}`] = masters ? 100 : null;
    }
    // The activity is graded once all its objectives are final; until then it shows progress, no grade.
    expected[`masterly:activity:unit-1|${sub}`] = mastered.size === OBJECTIVES.length ? 100 : null;
  }
  return expected;
}

describe.each<Mode>(['generic', 'canvas', 'moodle'])('grade passback end to end (%s)', (mode) => {
  let rig: PassbackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('delivers every objective and activity grade, in order, with no duplicates after relaunch', async () => {
    rig = await startPassbackRig(mode);
    await rig.adv.lineItems.saveActivity(rig.contextId, { activityId: 'unit-1', title: 'Unit 1', objectiveIds: OBJECTIVES }, Date.now());
    const expected = await playScript(rig, Date.UTC(2026, 0, 5));
    const report = await rig.adv.drainUntilIdle();
    expect(report.failed).toBe(0);
    expect(await gradebook(rig)).toEqual(expected);
    await expectOrderedHistory(rig);
    expect(await rig.adv.outbox.counts(rig.contextId)).toEqual({ pending: 0, sent: Object.keys(expected).length, failed: 0 });

    // A second process (fresh line item cache) finds the existing columns instead of creating new ones.
    const before = new Set((await rig.lms.devplatform.results()).map((r) => r.lineItemId)).size;
    await rig.tool.db.kysely.updateTable('grade_line_items').set({ line_item_url: null }).execute();
    await masteryChange(rig, rig.students[0]!, 'obj-a', 0.99, 'mastered', Date.UTC(2026, 0, 6));
    await rig.adv.drainUntilIdle();
    expect(new Set((await rig.lms.devplatform.results()).map((r) => r.lineItemId)).size).toBe(before);
    await expectOrderedHistory(rig);
  });

  it('records a plain reason when the LMS refuses a non-student (Canvas 422, Moodle 400)', async () => {
    rig = await startPassbackRig(mode, { students: 1 });
    await masteryChange(rig, rig.instructorSub, 'obj-a', 0.97, 'mastered', Date.UTC(2026, 0, 5));
    await masteryChange(rig, rig.students[0]!, 'obj-a', 0.97, 'mastered', Date.UTC(2026, 0, 5));
    await rig.adv.drainUntilIdle();
    const ledger = await rig.adv.outbox.ledger(rig.contextId);
    const refused = ledger.find((l) => l.userSub === rig!.instructorSub && l.itemKey === 'objective:obj-a');
    // Generic mode follows the spec: scores are tool-level, any member may be graded.
    expect(refused?.status).toBe(mode === 'generic' ? 'sent' : 'failed');
    if (mode !== 'generic') expect(refused?.failureReason).toBe(mode === 'canvas' ? 'not_a_student' : 'not_enrolled');
    expect(ledger.find((l) => l.userSub === rig!.students[0])?.status).toBe('sent');
  });
});
