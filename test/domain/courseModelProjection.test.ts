import { describe, expect, it } from 'vitest';
import { updateMastery, type BktParams } from '../../src/domain/bkt.js';
import { walkMixture, type CourseModelJson, type CourseResponse } from '../../src/domain/fitItems.js';
import { ABILITY_NODES, ABILITY_WEIGHTS, NO_ABILITY } from '../../src/domain/learnerAbility.js';
import { applyEvent, compileConfig, emptyState, predictResponse, project, type EngineEvent, type ObjectiveProgress } from '../../src/domain/projection.js';
import { courseModelFromJson } from '../../src/domain/fitItems.js';
import { mulberry32 } from '../../src/domain/random.js';

const T0 = Date.UTC(2026, 0, 5, 9);
const DAY = 86_400_000;
const objectives = ['a', 'b'].map((id) => ({ id, title: id, prerequisites: [], responseKind: 'multiple_choice' as const }));
const items = objectives.flatMap((o) => Array.from({ length: 6 }, (_, i) => ({ id: `${o.id}${i}`, objectiveIds: [o.id] })));
const cfg = compileConfig({ objectives, items, keepExplanations: false });
const bkt: BktParams = { prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1, forget: 0 };

const model = (over: Partial<CourseModelJson> = {}): CourseModelJson => ({
  objectives: { a: { prior: 0.25, learn: 0.2, guess: 0.2, slip: 0.1, forget: 0.01 }, b: { prior: 0.3, learn: 0.1, guess: 0.25, slip: 0.08, forget: 0.02 } },
  items: Object.fromEntries(items.map((it, i) => [it.id, { guess: 0.1 + 0.03 * (i % 6), slip: 0.05 + 0.02 * (i % 5) }])),
  coef: { prior: 0.8, learn: 0.4, guess: 0.3, slip: 0.4 },
  reteach: 0.3,
  forgetPerDay: 0.02,
  ...over,
});
const fit = (m: CourseModelJson, at = T0 - 1000): EngineEvent => ({ type: 'model_fitted', id: 'model-1', model: m, at });

/** A learner's answers: interleaved objectives, breaks of days, wrong streaks (which begin reteaching). */
function answers(studentId: string, seed: number, n = 40): EngineEvent[] {
  const rng = mulberry32(seed);
  let at = T0;
  return Array.from({ length: n }, (_, k) => {
    at += rng.next() < 0.2 ? 2 * DAY : 40_000;
    const o = k < 10 ? 'a' : rng.next() < 0.5 ? 'a' : 'b';
    return { type: 'response', id: `${studentId}-${k}`, studentId, itemId: `${o}${Math.floor(rng.next() * 6)}`, correct: rng.next() < (k < 12 ? 0.3 : 0.8), at };
  });
}

describe('the projection under the course-level learner model (model_fitted, ADR 0028)', () => {
  it('reproduces the fitted model’s own predictions (walkMixture) response by response, reteach and forgetting per day included', () => {
    const m = model();
    const state = emptyState();
    applyEvent(state, fit(m), compileConfig({ objectives, items, keepExplanations: false, params: { a: bkt, b: bkt } }));
    const c = compileConfig({ objectives, items, keepExplanations: false, params: { a: bkt, b: bkt } });
    const predicted: number[] = [];
    const seq: CourseResponse[] = [];
    for (const e of answers('s1', 7)) {
      if (e.type !== 'response') continue;
      predicted.push(predictResponse(state, 's1', e.itemId, e.at, c));
      const was = state.students.get('s1')?.objectives[e.itemId[0]!]?.state;
      applyEvent(state, e, c);
      const now = state.students.get('s1')!.objectives[e.itemId[0]!]!.state;
      seq.push({ objectiveId: e.itemId[0]!, itemId: e.itemId, correct: e.correct, at: e.at, reteach: now === 'reteaching' && was !== 'reteaching' });
    }
    expect(seq.filter((r) => r.reteach).length).toBeGreaterThan(0);
    const walked: number[] = [];
    walkMixture([seq], courseModelFromJson(m), (pc) => walked.push(pc));
    expect(predicted).toHaveLength(walked.length);
    predicted.forEach((p, i) => expect(p).toBeCloseTo(walked[i]!, 12));
  });

  it('without ability, item terms, reteach or forgetting it is BKT with the model’s parameters', () => {
    const k = model().objectives.a!;
    const flat = model({ coef: NO_ABILITY, items: {}, reteach: 0, forgetPerDay: 0, objectives: { a: { ...k, forget: 0 } } });
    const events = answers('s1', 3, 8).filter((e) => e.type === 'response' && e.itemId.startsWith('a'));
    const state = project([fit(flat), ...events], cfg);
    let p = k.prior;
    for (const e of events) if (e.type === 'response') p = updateMastery(p, e.correct, { ...k, forget: 0 });
    expect(state.students.get('s1')!.objectives.a!.p).toBeCloseTo(p, 12);
  });

  it('is a deterministic fold: the same log gives the same state, online or replayed, and before the fit nothing changes', () => {
    const log = [...answers('s1', 1, 12), fit(model(), T0 + 10 * DAY), ...answers('s2', 2), ...answers('s1', 5).map((e) => ({ ...e, id: `${e.id}-late`, at: e.at + 20 * DAY }))];
    const replayed = project(log, cfg);
    const online = emptyState();
    for (const e of log) applyEvent(online, e, cfg);
    expect(online.students).toEqual(replayed.students);
    expect(project(log, cfg).students).toEqual(replayed.students);
    // Before the model: plain BKT, no mixture state.
    const bktOnly = project(answers('s1', 1, 12), cfg).students.get('s1')!;
    expect(bktOnly.weights).toBeUndefined();
    expect(Object.values(bktOnly.objectives).every((o: ObjectiveProgress) => o.nodes === undefined)).toBe(true);
    // A learner with answers before the fit continues from their P: the first answer after it starts every node there.
    const s1 = replayed.students.get('s1')!;
    expect(s1.objectives.a!.nodes).toHaveLength(9);
    expect(s1.weights!.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
  });

  it('starts unanswered objectives from the model’s prior, for learners before and after the fit', () => {
    const before = answers('s1', 1, 3).filter((e) => e.type === 'response' && e.itemId.startsWith('a'));
    const state = project([...before, fit(model()), { type: 'response', id: 'n-1', studentId: 'n', itemId: 'a0', correct: true, at: T0 + DAY }], cfg);
    // Mixed over the prior ability: E[σ(logit 0.3 + 0.8a)], pulled towards ½ (σ is convex below ½).
    const expected = ABILITY_NODES.reduce((sum, a, k) => sum + ABILITY_WEIGHTS[k]! / (1 + Math.exp(-(Math.log(0.3 / 0.7) + 0.8 * a))), 0);
    expect(expected).toBeGreaterThan(0.3);
    const pb = state.students.get('n')!.objectives.b!.p;
    expect(pb).toBeCloseTo(expected, 12);
    expect(state.students.get('s1')!.objectives.b!.p).toBeCloseTo(expected, 12);
  });
});
