import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariseRoles } from '../../src/lti/roles.js';
import { mulberry32 } from '../../src/domain/random.js';
import { courseModelFromJson } from '../../src/domain/fitItems.js';
import { mixtureKnown, observeMixture, priorAbility, startNodes } from '../../src/domain/learnerAbility.js';
import { fitObjectiveParams } from '../../src/services/fitObjectiveParams.js';
import { importCourse } from '../../src/services/importCourse.js';
import { buildInstructorServices } from '../../src/services/instructorServices.js';
import { recomputeMastery } from '../../src/services/recomputeMastery.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { fitStore, instructorStore } from '../../src/store/instructorRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { aContext, aCourseFile, aLearner, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { openTestDb, type TestDb } from '../support/db.js';

/**
 * Accommodations and fitted BKT parameters are events of the log: a recompute after they changed
 * mid-history reproduces the incremental projection exactly.
 */
describe('settings as events: recompute equals the incremental projection', () => {
  let db: TestDb;
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 1000) };
  let n = 0;
  const ids = { newId: () => `cfg-evt-${++n}-${Math.random().toString(36).slice(2, 10)}` };
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());
  const engine = () => ({ courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock });
  const instructor = () => buildInstructorServices({ ...engine(), instructor: instructorStore(db.kysely), ids, classifyRoles: summariseRoles });

  async function setup(objectives?: string[]) {
    const ctx = await aContext(db.kysely);
    const file = aCourseFile(objectives ? { objectives, itemsPerObjective: 12 } : {});
    if (objectives) file.objectives = file.objectives.map((o) => ({ ...o, prerequisites: [] }));
    await importCourse(engine(), { contextId: ctx, file });
    const items = [...(await courseRepo(db.kysely).listItems(ctx))].sort((a, b) => a.key.localeCompare(b.key));
    let attempt = 0;
    const answer = async (user: string, key: string, right: boolean) => {
      const item = items.find((i) => i.key === key)!;
      return submitResponse(engine(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `cfg-${ctx.slice(0, 8)}-${++attempt}`, answer: right ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
    };
    /** `rightRate` per user and answers given so far: 0.7 by default (coin-toss-like answers, which a fit refuses as uninformative). */
    const randomRound = async (users: string[], steps: number, seed: number, rightRate: (user: string, answered: number) => number = () => 0.7) => {
      const rng = mulberry32(seed);
      const answered = new Map<string, number>();
      for (let step = 0; step < steps; step++) {
        const user = users[Math.floor(rng.next() * users.length)]!;
        const item = items[Math.floor(rng.next() * items.length)]!;
        try {
          const n = answered.get(user) ?? 0;
          answered.set(user, n + 1);
          await answer(user, item.key, rng.next() < rightRate(user, n));
        } catch (err) {
          if (!['ERR_OBJECTIVE_LOCKED', 'ERR_CONFLICT'].includes((err as { code?: string }).code ?? '')) throw err;
        }
      }
    };
    const snapshot = async () => ({
      progress: await db.kysely
        .selectFrom('learner_objectives')
        .select(['user_id', 'objective_id', 'p', 'state', 'responses', 'cycles', 'stuck', 'last_check_item_ids', 'locked_grade', 'data'])
        .where('context_id', '=', ctx)
        .orderBy('user_id')
        .orderBy('objective_id')
        .execute(),
      learners: await db.kysely.selectFrom('learners').select(['user_id', 'ability', 'overrides', 'recent_items', 'events']).where('context_id', '=', ctx).orderBy('user_id').execute(),
      accommodations: await db.kysely
        .selectFrom('accommodations')
        .select(['user_id', 'threshold_offset', 'extra_cycles', 'extra_opportunities', 'time_multiplier'])
        .where('context_id', '=', ctx)
        .orderBy('user_id')
        .execute(),
      stats: await db.kysely
        .selectFrom('item_stats as s')
        .innerJoin('items as i', 'i.id', 's.item_id')
        .select(['s.item_id', 's.difficulty', 's.n', 's.correct', 's.mastered_n', 's.mastered_correct', 's.flagged'])
        .where('i.context_id', '=', ctx)
        .orderBy('s.item_id')
        .execute(),
      explanations: await db.kysely
        .selectFrom('explanations')
        .select(['user_id', 'objective_id', 'event_id', 'kind', 'rule', 'from_state', 'to_state', 'evidence', 'message', 'at'])
        .where('context_id', '=', ctx)
        .orderBy('id')
        .execute(),
    });
    return { ctx, items, answer, randomRound, snapshot };
  }

  it('replays an accommodation changed mid-history at its place in the log', async () => {
    const { ctx, answer, randomRound, snapshot } = await setup();
    const helped = await aLearner(db.kysely, ctx, 'Hana Helped');
    const other = await aLearner(db.kysely, ctx, 'Otto Other');
    const fresh = await aLearner(db.kysely, ctx, 'Nia New');
    // Launched but never answered: a student of the course without a projection yet.
    await db.kysely
      .insertInto('enrollments')
      .values({ user_id: fresh, context_id: ctx, roles: JSON.stringify(['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner']), last_launch_at: 1 })
      .execute();
    await randomRound([helped, other], 40, 11);
    await instructor().setAccommodations({ contextId: ctx, userId: helped, accommodations: { thresholdOffset: '-0.1', extraCycles: '2', extraOpportunities: '5', timeMultiplier: '1.5' } });
    // Accommodations for someone who has not answered yet: the event creates their projection, as a replay does.
    await instructor().setAccommodations({ contextId: ctx, userId: fresh, accommodations: { thresholdOffset: '-0.05', extraCycles: '0', extraOpportunities: '0', timeMultiplier: '1' } });
    await randomRound([helped, other, fresh], 60, 12);
    // Changed again, back to none: the later events use the later values.
    await instructor().setAccommodations({ contextId: ctx, userId: helped, accommodations: { thresholdOffset: '0', extraCycles: '0', extraOpportunities: '0', timeMultiplier: '1' } });
    await randomRound([helped, other, fresh], 40, 13);
    for (let i = 0; i < 3; i++) await answer(helped, `A-${i}`, true);

    const logged = await db.kysely.selectFrom('responses').select(['type', 'user_id', 'objective_id']).where('context_id', '=', ctx).where('type', '=', 'accommodations_set').execute();
    expect(logged).toHaveLength(3);
    expect(logged.every((e) => e.objective_id === null && e.user_id !== null)).toBe(true);

    const incremental = await snapshot();
    expect(incremental.accommodations.map((a) => a.user_id).sort()).toEqual([helped, fresh].sort());
    expect(incremental.learners.find((l) => l.user_id === fresh)?.events).toBeGreaterThan(0);
    await recomputeMastery(engine(), { contextId: ctx });
    expect(await snapshot()).toEqual(incremental);
  });

  it('traces responses after a fit with the fitted parameters, also in a recompute', async () => {
    const { ctx, items, answer, randomRound, snapshot } = await setup(['A', 'B']);
    const users: string[] = [];
    for (let i = 0; i < 6; i++) users.push(await aLearner(db.kysely, ctx, `Student ${i}`));
    // Each student learns after a few answers (later for later students), so the answers depend on knowing: coin-toss
    // answers are refused as uninformative (ADR 0027's fit guard).
    await randomRound(users, 80, 21, (u, n) => (n >= 2 + 2 * users.indexOf(u) ? 0.95 : 0.15));
    const fit = await fitObjectiveParams({ fits: fitStore(db.kysely), clock, rule: { minStudents: 2, minResponses: 2 } }, { contextId: ctx });
    expect(fit.fitted).toBeGreaterThan(0);
    const fitted = fit.outcomes.find((o) => o.status === 'fitted');
    if (fitted?.status !== 'fitted') throw new Error('nothing fitted');
    const events = await db.kysely.selectFrom('responses').select(['type', 'user_id', 'objective_id']).where('context_id', '=', ctx).where('type', '=', 'params_fitted').execute();
    expect(events).toEqual(expect.arrayContaining([{ type: 'params_fitted', user_id: null, objective_id: fitted.objectiveId }]));

    // The fit also stored the course-level learner model (ADR 0028): a newcomer starts from its prior mixed over
    // ability; everyone's later answers are traced with it.
    const stored = await fitStore(db.kysely).courseModel(ctx);
    const model = courseModelFromJson(stored!.model);
    const k = model.params.get(fitted.objectiveId)!;
    const newcomer = await aLearner(db.kysely, ctx, 'Newcomer');
    const item = items.find((i) => i.objectiveId === fitted.objectiveId)!;
    const r = await answer(newcomer, item.key, true);
    const nodes = startNodes(k, model.coef);
    expect(r.change.pBefore).toBeCloseTo(mixtureKnown(priorAbility(), nodes), 9);
    expect(r.change.pAfter).toBeCloseTo(observeMixture(priorAbility(), nodes, k, model.items.get(item.id), model.coef, true), 9);
    await randomRound([...users, newcomer], 60, 22);

    const incremental = await snapshot();
    await recomputeMastery(engine(), { contextId: ctx });
    expect(await snapshot()).toEqual(incremental);
    // The objective keeps the fitted parameters as its current ones and the file's as where a replay starts.
    const objective = (await courseRepo(db.kysely).snapshot(ctx))!.objectives.find((o) => o.id === fitted.objectiveId)!;
    expect(objective.bkt).toEqual(fitted.params);
    expect(objective.bktAuthored).toMatchObject({ prior: 0.2, learn: 0.15 });
  });

  it('reloads the course when a fit commits after it was loaded (no response traced with stale parameters)', async () => {
    const { ctx, items, randomRound, snapshot } = await setup(['A', 'B']);
    const users: string[] = [];
    for (let i = 0; i < 4; i++) users.push(await aLearner(db.kysely, ctx, `Racer ${i}`));
    await randomRound(users, 40, 31);
    // Submissions and a fit racing each other.
    const item = items.find((i) => i.key === 'A-5')!;
    await Promise.all([
      fitObjectiveParams({ fits: fitStore(db.kysely), clock, rule: { minStudents: 1, minResponses: 1 } }, { contextId: ctx }),
      ...users.map((u, i) =>
        submitResponse(engine(), { contextId: ctx, userId: u, itemId: item.id, attemptId: `racer-${ctx.slice(0, 8)}-${i}`, answer: rightAnswerFor(item.kind) }).catch((err: { code?: string }) => {
          if (!['ERR_OBJECTIVE_LOCKED', 'ERR_CONFLICT'].includes(err.code ?? '')) throw err;
        }),
      ),
    ]);
    const incremental = await snapshot();
    await recomputeMastery(engine(), { contextId: ctx });
    expect(await snapshot()).toEqual(incremental);
  });
});
