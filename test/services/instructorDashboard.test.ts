import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariseRoles } from '../../src/lti/roles.js';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { recomputeMastery } from '../../src/services/recomputeMastery.js';
import { buildInstructorServices } from '../../src/services/instructorServices.js';
import type { EngineTx, MasteryChange } from '../../src/services/enginePorts.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { instructorStore } from '../../src/store/instructorRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { aContext, aCourseFile, aLearner, answerToCycleCap, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { render, translator } from '../../src/i18n/index.js';

/** An explanation's message as an English page shows it. */
const english = (m: Parameters<typeof render>[1] | null | undefined) => (m == null ? '' : render(translator(), m));

describe('instructor dashboard and actions (real store)', () => {
  let db: TestDb;
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 1000) };
  let n = 0;
  const ids = { newId: () => `evt-${++n}-${Math.random().toString(36).slice(2, 10)}` };
  const changes: MasteryChange[] = [];
  const afterMasteryChange = async (_tx: EngineTx, c: MasteryChange) => void changes.push(c);
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());
  const engine = () => ({ courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock, afterMasteryChange });
  const instructor = () =>
    buildInstructorServices({ ...engine(), instructor: instructorStore(db.kysely), ids, classifyRoles: summariseRoles });

  async function setup() {
    const ctx = await aContext(db.kysely);
    await importCourse(engine(), { contextId: ctx, file: aCourseFile() });
    const items = await courseRepo(db.kysely).listItems(ctx);
    const byKey = (k: string) => items.find((i) => i.key === k)!;
    let attempt = 0;
    const answer = (user: string, key: string, right: boolean) => {
      const item = byKey(key);
      return submitResponse(engine(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `att-${ctx.slice(0, 8)}-${++attempt}`, answer: right ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
    };
    const progressOf = async (user: string, key: string) => {
      const learner = await learnerStore(db.kysely, db.dialect).loadLearner(ctx, user);
      return learner?.objectives.find((o) => o.objectiveId === byKey(`${key}-0`).objectiveId);
    };
    return { ctx, byKey, answer, progressOf };
  }

  it('lists a student who failed their way to the cap as stuck, with the engine’s explanation', async () => {
    const { ctx, answer } = await setup();
    const stuck = await aLearner(db.kysely, ctx, 'Sam Stuck');
    const fine = await aLearner(db.kysely, ctx, 'Fay Fine');
    await answerToCycleCap((key, right) => answer(stuck, key, right));
    await answer(fine, 'A-0', true);
    const d = await instructor().getInstructorDashboard({ contextId: ctx });
    expect(d.students.map((s) => s.name)).toEqual(['Fay Fine', 'Sam Stuck']);
    const row = d.students.find((s) => s.userId === stuck)!;
    expect(row.cells[0]).toMatchObject({ state: 'not_mastered', stuck: true, cycles: 5 });
    expect(d.objectives[0]!.counts).toMatchObject({ stuck: 1, mastered: 0 });
    const flag = d.attention.find((a) => a.userId === stuck && a.reason === 'stuck');
    expect(flag?.objectiveId).toBe(row.cells[0]!.objectiveId);
    expect(english(flag?.explanation)).toMatch(/not mastered yet after 5 checks/);
    expect(english(flag?.detail)).toMatch(/^Not mastered after 5 failed checks and \d+ answers/);
    expect(d.attention.some((a) => a.userId === fine && a.reason === 'stuck')).toBe(false);
  });

  it('flags wheel-spinning when extra tries keep a student going without mastery', async () => {
    const { ctx, answer } = await setup();
    const spinner = await aLearner(db.kysely, ctx, 'Wes Wheel');
    await answer(spinner, 'A-11', false);
    await instructor().setAccommodations({ contextId: ctx, userId: spinner, accommodations: { thresholdOffset: '0', extraCycles: '0', extraOpportunities: '5', timeMultiplier: '1' } });
    for (let i = 0; i < 10; i++) await answer(spinner, `A-${i}`, false);
    const d = await instructor().getInstructorDashboard({ contextId: ctx });
    const flag = d.attention.find((a) => a.userId === spinner);
    expect(flag).toMatchObject({ reason: 'wheel_spinning' });
    expect(english(flag?.detail)).toMatch(/^11 answers without reaching mastery/);
  });

  it('applies a saved accommodation to the student’s next answer (lower threshold)', async () => {
    const { ctx, answer, progressOf } = await setup();
    const helped = await aLearner(db.kysely, ctx, 'Hana Helped');
    const other = await aLearner(db.kysely, ctx, 'Otto Other');
    for (const u of [helped, other]) await answer(u, 'A-0', true);
    await expect(
      instructor().setAccommodations({ contextId: ctx, userId: helped, accommodations: { thresholdOffset: '-0.2', extraCycles: '9', timeMultiplier: '0.5' } }),
    ).rejects.toMatchObject({ code: 'ERR_VALIDATION', issues: expect.arrayContaining([expect.objectContaining({ path: 'thresholdOffset' })]) });
    const saved = await instructor().setAccommodations({ contextId: ctx, userId: helped, accommodations: { thresholdOffset: '-0.10', extraCycles: '1', timeMultiplier: '1.5' } });
    expect(saved).toEqual({ thresholdOffset: -0.1, extraCycles: 1, extraOpportunities: 0, timeMultiplier: 1.5 });
    // Right (a check starts), then a check of right, wrong, right → mastered for both; one more wrong answer drops P
    // to ≈ 0.855: below 0.95 the objective reopens, above 0.85 (θ 0.95 − 0.10) it stays mastered.
    for (const u of [helped, other]) {
      for (const [key, right] of [['A-1', true], ['A-2', false], ['A-3', true], ['A-4', false]] as const) await answer(u, key, right);
    }
    expect((await progressOf(helped, 'A'))?.state).toBe('mastered');
    expect((await progressOf(other, 'A'))?.state).toBe('needs_review');
    const detail = await instructor().getStudentDetail({ contextId: ctx, userId: helped });
    expect(detail.accommodations).toEqual(saved);
    expect(detail.objectives[0]!.threshold).toBeCloseTo(0.85, 6);
    expect(detail.history.some((h) => h.kind === 'mastered' && english(h.message).startsWith('Mastered '))).toBe(true);
  });

  it('unlocks a locked objective by an override event that survives recompute and fires the outbox hook', async () => {
    const { ctx, byKey, answer, progressOf } = await setup();
    const u = await aLearner(db.kysely, ctx, 'Olga Override');
    await answer(u, 'A-0', true);
    expect((await progressOf(u, 'C'))?.state).toBe('locked');
    await expect(answer(u, 'C-0', true)).rejects.toMatchObject({ code: 'ERR_OBJECTIVE_LOCKED' });
    changes.length = 0;
    const cId = byKey('C-0').objectiveId;
    const done = await instructor().unlockObjective({ contextId: ctx, userId: u, objectiveId: cId, actorUserId: u });
    expect(done).toMatchObject({ stateBefore: 'locked', stateAfter: 'available' });
    expect(done.messages.map(english).join(' ')).toMatch(/unlocked by your instructor/);
    expect(changes).toEqual([expect.objectContaining({ objectiveId: cId, stateBefore: 'locked', stateAfter: 'available', attemptId: done.eventId })]);
    const logged = await db.kysely.selectFrom('responses').select(['type', 'objective_id']).where('attempt_id', '=', done.eventId).executeTakeFirstOrThrow();
    expect(logged).toEqual({ type: 'unlock_override', objective_id: cId });
    await expect(instructor().unlockObjective({ contextId: ctx, userId: u, objectiveId: cId, actorUserId: u })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });

    await recomputeMastery(engine(), { contextId: ctx });
    expect((await progressOf(u, 'C'))?.state).toBe('available');
    expect((await progressOf(u, 'B'))?.state).toBe('locked');
    const r = await answer(u, 'C-0', true);
    expect(r.change.stateAfter).toBe('checking'); // released: a first right answer starts a check
  });

  it('resets a stuck objective so the student can try again, also after recompute', async () => {
    const { ctx, byKey, answer, progressOf } = await setup();
    const u = await aLearner(db.kysely, ctx, 'Rita Reset');
    const aId = byKey('A-0').objectiveId;
    await expect(instructor().resetObjective({ contextId: ctx, userId: u, objectiveId: aId, actorUserId: u })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await answerToCycleCap((key, right) => answer(u, key, right));
    expect((await progressOf(u, 'A'))?.state).toBe('not_mastered');
    changes.length = 0;
    const done = await instructor().resetObjective({ contextId: ctx, userId: u, objectiveId: aId, actorUserId: u });
    expect(done).toMatchObject({ stateBefore: 'not_mastered', stateAfter: 'available' });
    expect(changes.some((c) => c.objectiveId === aId && c.stateAfter === 'available')).toBe(true);
    expect(await progressOf(u, 'A')).toMatchObject({ state: 'available', stuck: false, opportunities: 0, cycles: 0 });
    await expect(instructor().resetObjective({ contextId: ctx, userId: u, objectiveId: aId, actorUserId: u })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    await recomputeMastery(engine(), { contextId: ctx });
    expect(await progressOf(u, 'A')).toMatchObject({ state: 'available', stuck: false });
    const d = await instructor().getInstructorDashboard({ contextId: ctx });
    expect(d.attention.some((a) => a.userId === u && a.reason === 'stuck')).toBe(false);
    expect((await answer(u, 'A-10', true)).change.stateAfter).toBe('checking'); // a right answer makes a fresh start ready for a check
  });
});
