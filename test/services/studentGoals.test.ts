/**
 * Students' goals, confidence before a check, badges and history (ADR 0024), on SQLite and PostgreSQL: a goal is
 * validated (no past day, nothing mastered) and shows where it stands; confidence is kept per check (first answer
 * stays) and never touches the log or the projection (a recompute equals the incremental projection); a badge earned
 * stays after a missed review question opens the objective again; the history tells what happened in plain entries, paged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../src/domain/errors.js';
import { buildEngineServices } from '../../src/services/engineServices.js';
import { checkConfidence, saveCheckConfidence } from '../../src/services/checkConfidence.js';
import { getStudentGoals, removeStudentGoal, setStudentGoal } from '../../src/services/studentGoals.js';
import { HISTORY_PAGE_SIZE, listStudentHistory } from '../../src/services/studentHistory.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { studentGoalRepo } from '../../src/store/studentGoalRepo.js';
import { aContext, aCourseFile, aLearner, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { openTestDb, type TestDb } from '../support/db.js';

const DAY = 86_400_000;

describe('student goals, confidence, badges and history', () => {
  let db: TestDb;
  let t = Date.parse('2027-03-10T12:00:00Z');
  const clock = { now: () => (t += 1000) };
  let n = 0;
  const ids = { newId: () => `goal-${++n}-${Math.random().toString(36).slice(2, 10)}` };
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());

  async function setup() {
    const courses = courseRepo(db.kysely);
    const learners = learnerStore(db.kysely, db.dialect);
    const engine = buildEngineServices({ courses, learners, clock, rng: { next: () => 0.5 }, ids });
    const contextId = await aContext(db.kysely);
    const userId = await aLearner(db.kysely, contextId);
    await engine.importCourse({ contextId, file: aCourseFile() });
    const goals = studentGoalRepo(db.kysely);
    const deps = { goals, clock, masteryMap: engine.getMasteryMap };
    const idOf = async (key: string) => (await engine.getMasteryMap({ contextId, userId })).objectives.find((o) => o.key === key)!.id;
    /** Answers `objective` (right unless `wrong` says which answers of a check are wrong) until `until` is true. */
    type Act = Awaited<ReturnType<typeof engine.nextActivity>>;
    const work = async (objectiveId: string, until: (a: Act) => boolean, right: (a: Act & { kind: 'item' }) => boolean = () => true) => {
      for (let i = 0; i < 60; i++) {
        const a = await engine.nextActivity({ contextId, userId, objectiveId, skipIntro: true });
        if (until(a)) return a;
        if (a.kind !== 'item') throw new Error(`unexpected ${a.kind}`);
        const ok = right(a);
        await engine.submitResponse({ contextId, userId, itemId: a.item.id, attemptId: a.attemptId, answer: ok ? rightAnswerFor(a.item.kind) : wrongAnswerFor(a.item.kind) });
      }
      throw new Error('did not get there');
    };
    return { engine, contextId, userId, goals, deps, idOf, work, learners };
  }

  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationFailed);
    return (err as ValidationFailed).issues;
  };

  it('refuses a past day, a day that is not one, no day, and an objective already mastered; accepts a locked one and says what comes first', async () => {
    const { contextId, userId, deps, idOf, engine, work } = await setup();
    const [a, b] = [await idOf('A'), await idOf('B')];
    const now = t;
    const yesterday = new Date(now - 2 * DAY).toISOString().slice(0, 10);
    const soon = new Date(now + 7 * DAY).toISOString().slice(0, 10);
    expect(await refusal(setStudentGoal(deps, { contextId, userId, objectiveId: a, targetDate: yesterday }))).toEqual([{ path: 'targetDate', message: 'goals.datePast' }]);
    expect(await refusal(setStudentGoal(deps, { contextId, userId, objectiveId: a, targetDate: '2027-02-30' }))).toEqual([{ path: 'targetDate', message: 'goals.dateInvalid' }]);
    expect(await refusal(setStudentGoal(deps, { contextId, userId, objectiveId: a, targetDate: '' }))).toEqual([{ path: 'targetDate', message: 'goals.dateMissing' }]);
    expect(await refusal(setStudentGoal(deps, { contextId, userId, objectiveId: 'nope', targetDate: soon }))).toEqual([{ path: 'objectiveId', message: 'goals.pickObjective' }]);
    expect(await deps.goals.goal(contextId, userId)).toBeUndefined();

    // A locked objective is a fine goal: the map says what to master first.
    await setStudentGoal(deps, { contextId, userId, objectiveId: b, targetDate: soon });
    let mine = await getStudentGoals(deps, { contextId, userId }, await engine.getMasteryMap({ contextId, userId }));
    expect(mine.goal).toMatchObject({ objectiveId: b, targetDate: soon, status: 'locked', lockedUntil: ['Objective A'] });
    expect(mine.goal?.daysLeft).toBeGreaterThanOrEqual(6);

    // Mastering A: a badge, and A can no longer be a goal.
    await work(a, (x) => x.kind === 'mastered');
    expect(await refusal(setStudentGoal(deps, { contextId, userId, objectiveId: a, targetDate: soon }))).toEqual([{ path: 'objectiveId', message: 'goals.alreadyMastered' }]);
    mine = await getStudentGoals(deps, { contextId, userId }, await engine.getMasteryMap({ contextId, userId }));
    expect(mine.goal?.status).toBe('under_way');
    expect(mine.badges.map((x) => x.title)).toEqual(['Objective A']);

    // Reaching the goal.
    await work(b, (x) => x.kind === 'mastered');
    mine = await getStudentGoals(deps, { contextId, userId }, await engine.getMasteryMap({ contextId, userId }));
    expect(mine.goal?.status).toBe('reached');

    // A day that passed without reaching it; then removed.
    const c = await idOf('C');
    await setStudentGoal(deps, { contextId, userId, objectiveId: c, targetDate: new Date(t).toISOString().slice(0, 10) });
    t += 3 * DAY;
    mine = await getStudentGoals(deps, { contextId, userId }, await engine.getMasteryMap({ contextId, userId }));
    expect(mine.goal?.status).toBe('passed');
    await removeStudentGoal(deps, { contextId, userId });
    expect(await deps.goals.goal(contextId, userId)).toBeUndefined();
  });

  it('keeps confidence per check (the first answer stays), shows it with the result, and leaves the log and the projection alone', async () => {
    const { contextId, userId, deps, idOf, engine, learners } = await setup();
    const a = await idOf('A');
    // Practise until the check begins.
    let first: Awaited<ReturnType<typeof engine.nextActivity>> | undefined;
    for (let i = 0; i < 30 && !first; i++) {
      const x = await engine.nextActivity({ contextId, userId, objectiveId: a, skipIntro: true });
      if (x.kind === 'item' && x.check) first = x;
      else if (x.kind === 'item') await engine.submitResponse({ contextId, userId, itemId: x.item.id, attemptId: x.attemptId, answer: rightAnswerFor(x.item.kind) });
    }
    if (first?.kind !== 'item' || !first.check) throw new Error('no check');
    expect(first.check.number).toBe(1);
    const startedAt = first.check.startedAt!;
    expect(startedAt).toBeGreaterThan(0);
    // A reload shows the same check start.
    const again = await engine.nextActivity({ contextId, userId, objectiveId: a, skipIntro: true });
    expect(again.kind === 'item' && again.check?.startedAt).toBe(startedAt);

    const logBefore = await db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(await saveCheckConfidence(deps, { contextId, userId, objectiveId: a, checkStartedAt: startedAt, confidence: 'not_sure' })).toBe(true);
    expect(await saveCheckConfidence(deps, { contextId, userId, objectiveId: a, checkStartedAt: startedAt, confidence: 'very_sure' })).toBe(false);
    expect(await checkConfidence(deps, { contextId, userId, objectiveId: a, checkStartedAt: startedAt })).toBe('not_sure');
    const logAfter = await db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(logAfter.n)).toBe(Number(logBefore.n));

    // Answer the check; the finished result names the check's start, so the page finds the confidence.
    let last;
    for (let i = 0; i < 10; i++) {
      const x = await engine.nextActivity({ contextId, userId, objectiveId: a, skipIntro: true });
      if (x.kind !== 'item' || !x.check) break;
      last = await engine.submitResponse({ contextId, userId, itemId: x.item.id, attemptId: x.attemptId, answer: rightAnswerFor(x.item.kind) });
      expect(last.check?.startedAt).toBe(startedAt);
    }
    expect(last?.check).toMatchObject({ finished: true, passed: true, startedAt });

    // The projection a recompute builds from the log equals the incremental one.
    const snapshot = async () =>
      db.kysely.selectFrom('learner_objectives').select(['objective_id', 'p', 'state', 'responses', 'cycles', 'data']).where('context_id', '=', contextId).orderBy('objective_id').execute();
    const before = await snapshot();
    await engine.recomputeMastery({ contextId });
    expect(await snapshot()).toEqual(before);
    expect(await checkConfidence(deps, { contextId, userId, objectiveId: a, checkStartedAt: startedAt })).toBe('not_sure');
    expect((await learners.loadLearner(contextId, userId))?.events).toBeGreaterThan(0);
  });

  it('keeps a badge after the objective is reopened, and tells the history newest first, paged', async () => {
    const { contextId, userId, deps, idOf, engine, work } = await setup();
    const a = await idOf('A');
    await setStudentGoal(deps, { contextId, userId, objectiveId: a, targetDate: new Date(t + 5 * DAY).toISOString().slice(0, 10) });
    // One failed check first (right in practice, wrong in the check), then mastery.
    let checks = 0;
    await work(a, (x) => x.kind === 'mastered', (x) => {
      if (x.check?.number === 1) checks += 1;
      return x.check === null || checks > 1;
    });
    // A missed review question weeks later opens A again (retention).
    for (let i = 0; i < 5 && (await engine.getMasteryMap({ contextId, userId })).objectives.find((o) => o.id === a)?.state === 'mastered'; i++) {
      t += 40 * DAY;
      const x = await engine.nextActivity({ contextId, userId, objectiveId: a, skipIntro: true });
      if (x.kind === 'item') await engine.submitResponse({ contextId, userId, itemId: x.item.id, attemptId: x.attemptId, answer: wrongAnswerFor(x.item.kind) });
    }
    const map = await engine.getMasteryMap({ contextId, userId });
    expect(map.objectives.find((o) => o.id === a)?.state).not.toBe('mastered');
    const mine = await getStudentGoals(deps, { contextId, userId }, map);
    expect(mine.badges.map((b) => b.title)).toEqual(['Objective A']);
    // The goal was reached by the mastery after it was set, even though A is open again.
    expect(mine.goal?.status).toBe('reached');

    const h = await listStudentHistory(deps, { contextId, userId, page: 1 }, map);
    const kinds = h.entries.map((e) => e.kind);
    for (const kind of ['practised', 'check_started', 'check_not_passed', 'reteach', 'check_passed', 'badge', 'goal_set', 'review_needed']) expect(kinds).toContain(kind);
    const ats = h.entries.map((e) => e.at);
    expect([...ats].sort((x, y) => y - x)).toEqual(ats);
    expect(h.entries.filter((e) => e.kind === 'badge')).toHaveLength(1);
    const passed = h.entries.find((e) => e.kind === 'check_passed');
    expect(passed).toMatchObject({ objective: 'Objective A', right: 3, length: 3 });
    const practised = h.entries.filter((e) => e.kind === 'practised');
    expect(practised.every((e) => e.kind === 'practised' && e.questions >= 1 && e.right <= e.questions)).toBe(true);

    // Paging: answers alternating between two objectives make many entries, spilling onto a second page.
    const b = await idOf('B');
    for (let i = 0; i < HISTORY_PAGE_SIZE + 2; i++) {
      const x = await engine.nextActivity({ contextId, userId, objectiveId: i % 2 ? a : b, skipIntro: true });
      if (x.kind === 'item') await engine.submitResponse({ contextId, userId, itemId: x.item.id, attemptId: x.attemptId, answer: i % 3 ? rightAnswerFor(x.item.kind) : wrongAnswerFor(x.item.kind) });
    }
    const now = await engine.getMasteryMap({ contextId, userId });
    const one = await listStudentHistory(deps, { contextId, userId, page: 1 }, now);
    expect(one.entries).toHaveLength(HISTORY_PAGE_SIZE);
    expect(one.hasOlder).toBe(true);
    const two = await listStudentHistory(deps, { contextId, userId, page: 2 }, now);
    expect(two.entries.length).toBeGreaterThan(0);
    expect(two.entries[0]!.at).toBeLessThanOrEqual(one.entries.at(-1)!.at);
    expect(two.entries.at(-1)?.kind).toBe('goal_set');
  });
});
