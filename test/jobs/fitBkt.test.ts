import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clampBktParams, validateBktParams } from '../../src/domain/bkt.js';
import { courseModelFromJson } from '../../src/domain/fitItems.js';
import { mixtureKnown, observeMixture, priorAbility, startNodes } from '../../src/domain/learnerAbility.js';
import { simulateBkt } from '../../src/domain/fitBkt.js';
import { mulberry32 } from '../../src/domain/random.js';
import { fitBktJob } from '../../src/jobs/fitBkt.job.js';
import { threadFits } from '../../src/jobs/fitThread.js';
import { fitObjectiveParams } from '../../src/services/fitObjectiveParams.js';
import { importCourse } from '../../src/services/importCourse.js';
import { recomputeMastery } from '../../src/services/recomputeMastery.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { fitStore, instructorStore } from '../../src/store/instructorRepo.js';
import { buildInstructorServices } from '../../src/services/instructorServices.js';
import { summariseRoles } from '../../src/lti/roles.js';
import { presentDashboard } from '../../src/web/presenters/instructorDashboard.js';
import { translator } from '../../src/i18n/index.js';
import { aContext, aCourseFile, aLearner, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { openTestDb, type TestDb } from '../support/db.js';

const GENERATING = { prior: 0.3, learn: 0.2, guess: 0.08, slip: 0.06, forget: 0 };

describe('background BKT fitting job (real store, responses through submitResponse)', () => {
  let db: TestDb;
  let t = 1_700_000_000_000;
  const clock = { now: () => (t += 10) };
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());
  const engine = () => ({ courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock });
  // As the composition root runs it: the fits on a worker thread.
  const services = { fitObjectiveParams: (i: { contextId?: string }) => fitObjectiveParams({ fits: fitStore(db.kysely), clock, compute: threadFits }, i) };

  it('fits an objective with ≥ 100 students of ≥ 5 responses near the generating parameters, and leaves a sparse one alone', async () => {
    const ctx = await aContext(db.kysely);
    const file = aCourseFile({ itemsPerObjective: 10, objectives: ['A', 'B'] });
    file.objectives[1] = { ...file.objectives[1], prerequisites: [] };
    await importCourse(engine(), { contextId: ctx, file });
    const items = await courseRepo(db.kysely).listItems(ctx);
    const itemsOf = (k: string) => items.filter((i) => i.key.startsWith(`${k}-`)).sort((a, b) => Number(a.key.split('-')[1]) - Number(b.key.split('-')[1]));
    let attempt = 0;
    // Students answer in parallel (8 at a time, each in order), as a class would; each answer goes through submitResponse.
    const play = async (objective: string, seqs: boolean[][]) => {
      const queue = [...seqs];
      const worker = async () => {
        for (let seq = queue.shift(); seq; seq = queue.shift()) {
          const user = await aLearner(db.kysely, ctx, `Sim ${attempt}`);
          for (const [i, correct] of seq.entries()) {
            const item = itemsOf(objective)[i]!;
            await submitResponse(engine(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `sim-attempt-${++attempt}`, answer: correct ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };
    await play('A', simulateBkt(GENERATING, 120, 8, mulberry32(3)));
    await play('B', simulateBkt(GENERATING, 30, 6, mulberry32(5)));

    const report = await fitBktJob.run(services, { contextId: ctx });
    const snapshot = await courseRepo(db.kysely).snapshot(ctx);
    const [a, b] = snapshot!.objectives;
    expect(report.outcomes).toEqual([
      expect.objectContaining({ objectiveId: a!.id, status: 'fitted', students: 120, responses: 960 }),
      expect.objectContaining({ objectiveId: b!.id, status: 'not_enough_data', students: 30 }),
    ]);
    expect(a!.bktFitted).toBe(true);
    expect(() => validateBktParams(a!.bkt, a!.responseKind)).not.toThrow();
    for (const k of ['prior', 'learn', 'guess', 'slip'] as const) expect(Math.abs(a!.bkt[k] - GENERATING[k])).toBeLessThanOrEqual(0.1);
    expect(b!.bktFitted).toBe(false);
    expect(b!.bkt).toMatchObject({ prior: 0.2, learn: 0.15 });

    // The course-level learner model (ADR 0028) is fitted over the fitted objective and stored with its log event.
    expect(report.courseModels).toEqual([{ contextId: ctx, objectives: 1, learners: 120, items: 8 }]);
    const stored = await fitStore(db.kysely).courseModel(ctx);
    expect(stored?.model.objectives).toEqual({ [a!.id]: expect.objectContaining({ prior: expect.any(Number) }) });
    const modelled = itemsOf('A').slice(0, 8).map((i) => stored!.model.items[i.id]);
    for (const e of modelled) {
      expect(e!.guess).toBeGreaterThan(0);
      expect(e!.guess).toBeLessThan(0.3);
      expect(e!.slip).toBeLessThan(0.3);
    }
    for (const c of Object.values(stored!.model.coef)) expect(c).toBeGreaterThanOrEqual(0);
    const events = await db.kysely.selectFrom('responses').select(['type', 'data', 'occurred_at']).where('context_id', '=', ctx).where('type', '=', 'model_fitted').execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data!)).toEqual(stored!.model);
    expect(Number(events[0]!.occurred_at)).toBe(stored!.fittedAt);

    // Nothing new since the fit: the next run leaves it alone, course model included.
    const again = await fitBktJob.run(services, {});
    expect(again.outcomes.find((o) => o.objectiveId === a!.id)?.status).toBe('up_to_date');
    expect(again.courseModels.find((m) => m.contextId === ctx)).toBeUndefined();
    expect((await fitStore(db.kysely).courseModel(ctx))?.fittedAt).toBe(stored!.fittedAt);

    // From the fit on, answers are traced with the course model: a newcomer starts from the model's prior mixed over
    // ability, and their answer moves P as the mixture does.
    const newcomer = await aLearner(db.kysely, ctx, 'Newcomer');
    const item = itemsOf('A')[0]!;
    const model = courseModelFromJson(stored!.model);
    const k = clampBktParams(model.params.get(a!.id)!, a!.responseKind);
    const r = await submitResponse(engine(), { contextId: ctx, userId: newcomer, itemId: item.id, attemptId: 'newcomer-1', answer: rightAnswerFor(item.kind) });
    const nodes = startNodes(k, model.coef);
    expect(r.change.pBefore).toBeCloseTo(mixtureKnown(priorAbility(), nodes), 9);
    expect(r.change.pAfter).toBeCloseTo(observeMixture(priorAbility(), nodes, k, model.items.get(item.id), model.coef, true), 9);
    const newcomerA = await db.kysely.selectFrom('learner_objectives').select('data').where('user_id', '=', newcomer).where('objective_id', '=', a!.id).executeTakeFirstOrThrow();
    expect((JSON.parse(newcomerA.data) as { nodes?: number[] }).nodes).toHaveLength(9);
    // A learner who answered before the fit continues from their P, and everyone's answers after it are replayed alike.
    // (One not in a mastery check: user ids are random, and a check refuses an item it already asked.)
    const veteran = (await db.kysely.selectFrom('learner_objectives').select('user_id').where('objective_id', '=', a!.id).where('responses', '>', 0).where('state', '!=', 'checking').orderBy('user_id').executeTakeFirstOrThrow()).user_id;
    for (const [n, right] of [true, false, true].entries()) {
      const it = itemsOf('A')[n + 1]!;
      await submitResponse(engine(), { contextId: ctx, userId: veteran, itemId: it.id, attemptId: `veteran-${n}`, answer: right ? rightAnswerFor(it.kind) : wrongAnswerFor(it.kind) });
      await submitResponse(engine(), { contextId: ctx, userId: newcomer, itemId: it.id, attemptId: `newcomer-${n + 2}`, answer: right ? rightAnswerFor(it.kind) : wrongAnswerFor(it.kind) });
    }
    const weightsOf = async (u: string) => (await db.kysely.selectFrom('learners').select('ability_weights').where('user_id', '=', u).where('context_id', '=', ctx).executeTakeFirstOrThrow()).ability_weights;
    expect(JSON.parse((await weightsOf(veteran))!)).toHaveLength(9);

    // A replay of the log (params_fitted and model_fitted at their places) reproduces the stored projection of every
    // answered objective, mixture state included (unanswered ones start from the prior in force whenever read, ADR 0010).
    const projection = () =>
      db.kysely
        .selectFrom('learner_objectives as o')
        .innerJoin('learners as l', (j) => j.onRef('l.user_id', '=', 'o.user_id').onRef('l.context_id', '=', 'o.context_id'))
        .select(['o.user_id', 'o.objective_id', 'o.p', 'o.state', 'o.responses', 'o.data', 'l.ability_weights'])
        .where('o.context_id', '=', ctx)
        .where('o.responses', '>', 0)
        .orderBy('o.user_id')
        .orderBy('o.objective_id')
        .execute();
    const before = await projection();
    expect(before.length).toBeGreaterThanOrEqual(151);
    await recomputeMastery(engine(), { contextId: ctx });
    const after = await projection();
    expect(after.map((x) => ({ ...x, data: JSON.parse(x.data) as unknown }))).toEqual(before.map((x) => ({ ...x, data: JSON.parse(x.data) as unknown })));
  }, 120_000);

  it('refuses a degenerate fit, keeps the parameters, tells the instructor why in plain words, and waits for new answers', async () => {
    const ctx = await aContext(db.kysely);
    // Multiple-choice items only: guess and slip may then reach 0.3 and 0.2 (G + S ≥ 0.5 is possible).
    const file = aCourseFile({ itemsPerObjective: 15, objectives: ['A'] });
    file.items = file.items.filter((i) => i.kind === 'mc_single');
    await importCourse(engine(), { contextId: ctx, file });
    const items = await courseRepo(db.kysely).listItems(ctx);
    // Answers that do not depend on knowing anything: a coin toss on every item.
    const rng = mulberry32(9);
    let attempt = 0;
    const queue = Array.from({ length: 104 }, (_, s) => s);
    const worker = async () => {
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
        const user = await aLearner(db.kysely, ctx, `Coin ${s}`);
        for (const item of items.slice(0, 5)) {
          const right = rng.next() < 0.5;
          await submitResponse(engine(), { contextId: ctx, userId: user, itemId: item.id, attemptId: `coin-${ctx.slice(0, 8)}-${++attempt}`, answer: right ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const before = (await courseRepo(db.kysely).snapshot(ctx))!.objectives[0]!;

    const report = await fitBktJob.run(services, { contextId: ctx });
    expect(report.outcomes).toEqual([expect.objectContaining({ objectiveId: before.id, status: 'refused', code: 'uninformative' })]);
    const after = (await courseRepo(db.kysely).snapshot(ctx))!.objectives[0]!;
    expect(after.bktFitted).toBe(false);
    expect(after.bkt).toEqual(before.bkt);

    // The instructor dashboard says so, in plain language (no parameter names or probabilities).
    const dashboard = await buildInstructorServices({ ...engine(), instructor: instructorStore(db.kysely), ids: { newId: () => `id-${++attempt}` }, classifyRoles: summariseRoles }).getInstructorDashboard({ contextId: ctx });
    expect(dashboard.objectives[0]?.refused).toMatchObject({ code: 'uninformative' });
    const view = presentDashboard(dashboard, translator());
    expect(view.objectives[0]?.modelProblem).toMatch(/^Fitting from this course’s answers was refused on .+: right and wrong answers barely depend on whether students know this objective/);
    expect(view.objectives[0]?.modelProblem).toMatch(/Check the questions and their answer keys/);

    // Nothing new since the refusal: the next run does not refit it.
    expect((await fitBktJob.run(services, { contextId: ctx })).outcomes[0]?.status).toBe('up_to_date');
  }, 120_000);
});
