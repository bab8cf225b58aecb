import { describe, expect, it } from 'vitest';
import { predictCorrect, updateMastery, type BktParams } from '../../src/domain/bkt.js';
import { ABILITY_NODES, ABILITY_WEIGHTS, decayNodes, NO_ABILITY, observeMixture, predictMixture, priorAbility, startNodes } from '../../src/domain/learnerAbility.js';
import { fitAbilityCoef, fitItemEmissions, walkMixture, type CourseSequence } from '../../src/domain/fitItems.js';
import { mulberry32, type Rng } from '../../src/domain/random.js';

const canonical: BktParams = { prior: 0.1, learn: 0.1, guess: 0.1, slip: 0.1, forget: 0 };
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('the ability grid', () => {
  it('is N(0, 1): weights sum to 1, mean 0, variance 1, fourth moment 3', () => {
    expect(sum(ABILITY_WEIGHTS)).toBeCloseTo(1, 12);
    expect(sum(ABILITY_NODES.map((a, k) => a * (ABILITY_WEIGHTS[k] as number)))).toBeCloseTo(0, 12);
    expect(sum(ABILITY_NODES.map((a, k) => a * a * (ABILITY_WEIGHTS[k] as number)))).toBeCloseTo(1, 10);
    expect(sum(ABILITY_NODES.map((a, k) => a ** 4 * (ABILITY_WEIGHTS[k] as number)))).toBeCloseTo(3, 9);
  });
});

describe('the ability mixture', () => {
  it('without ability it is BKT: the canonical vector (correct 0.55, wrong 0.1110) and unchanged weights', () => {
    for (const [correct, expected] of [[true, 0.55], [false, 0.111]] as const) {
      const w = priorAbility();
      const nodes = startNodes(canonical, NO_ABILITY);
      expect(predictMixture(w, nodes, canonical, undefined, NO_ABILITY)).toBeCloseTo(predictCorrect(0.1, canonical), 12);
      expect(observeMixture(w, nodes, canonical, undefined, NO_ABILITY, correct)).toBeCloseTo(expected, 4);
      expect(observeMixture(w.slice(), nodes.slice(), canonical, undefined, NO_ABILITY, correct)).toBeCloseTo(updateMastery(updateMastery(0.1, correct, canonical), correct, canonical), 12);
      w.forEach((x, k) => expect(x).toBeCloseTo(ABILITY_WEIGHTS[k] as number, 12));
    }
  });

  it('a right answer moves the ability posterior up by 0.7·E[σ′(a)]/0.55 ≈ 0.263 (prior shifted by ability)', () => {
    // L0 0.5 shifted by 1·a: P(correct) = 0.2 + 0.7·E[σ(a)] = 0.55 exactly (E[σ(a)] = ½ by symmetry), and by
    // Stein's lemma E[a·σ(a)] = E[σ(a)(1 − σ(a))] ≈ 0.2066.
    const params: BktParams = { prior: 0.5, learn: 0.1, guess: 0.2, slip: 0.1, forget: 0 };
    const coef = { ...NO_ABILITY, prior: 1 };
    const w = priorAbility();
    const nodes = startNodes(params, coef);
    expect(predictMixture(w, nodes, params, undefined, coef)).toBeCloseTo(0.55, 6);
    observeMixture(w, nodes, params, undefined, coef, true);
    expect(sum(ABILITY_NODES.map((a, k) => a * (w[k] as number)))).toBeCloseTo((0.7 * 0.2066) / 0.55, 3);
  });

  it('uses the item’s own guess/slip when it has them', () => {
    const w = priorAbility();
    const nodes = startNodes(canonical, NO_ABILITY);
    // 0.1·(1 − 0.2) + 0.9·0.3 = 0.35
    expect(predictMixture(w, nodes, canonical, { guess: 0.3, slip: 0.2 }, NO_ABILITY)).toBeCloseTo(0.35, 12);
  });

  it('learning from reteach: a wrong answer from 0.1 with a 0.3 boost gives 0.0122 + 0.9878·0.37 = 0.3777', () => {
    const w = priorAbility();
    const nodes = startNodes(canonical, NO_ABILITY);
    expect(observeMixture(w, nodes, canonical, undefined, NO_ABILITY, false, 0.3)).toBeCloseTo(0.3777, 4);
  });

  it('forgetting over time multiplies P(known) by e^(−rate·days)', () => {
    const nodes = [0.8, 0.5];
    decayNodes(nodes, 0.02, 2);
    expect(nodes[0]).toBeCloseTo(0.7686316, 6);
    expect(nodes[1]).toBeCloseTo(0.4803947, 6);
    decayNodes(nodes, 0, 2);
    expect(nodes[0]).toBeCloseTo(0.7686316, 6);
  });
});

/** Learners with ability a ~ N(0, 1) shifting the prior by `shift`·a, on two objectives with two items each. */
function simulate(rng: Rng, learners: number, shift: number): CourseSequence[] {
  const items = { easy: { guess: 0.3, slip: 0.05 }, hard: { guess: 0.1, slip: 0.2 } };
  const out: CourseSequence[] = [];
  for (let l = 0; l < learners; l++) {
    const a = Math.sqrt(-2 * Math.log(Math.max(1e-12, rng.next()))) * Math.cos(2 * Math.PI * rng.next());
    const seq: { objectiveId: string; itemId: string; correct: boolean }[] = [];
    for (const objectiveId of ['o1', 'o2']) {
      let known = rng.next() < sig(logit(0.2) + shift * a);
      for (let t = 0; t < 12; t++) {
        const id = rng.next() < 0.5 ? 'easy' : 'hard';
        const it = items[id];
        seq.push({ objectiveId, itemId: `${objectiveId}-${id}`, correct: known ? rng.next() >= it.slip : rng.next() < it.guess });
        known = known || rng.next() < 0.15;
      }
    }
    out.push(seq);
  }
  return out;
}

describe('fitting the course model', () => {
  const data = simulate(mulberry32(11), 800, 1.5);
  const start: BktParams = { prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1, forget: 0 };

  it('KT-IDEM recovers each item’s guess and slip within ±0.04', () => {
    const seqs = data.map((l) => l.filter((r) => r.objectiveId === 'o1').map((r) => ({ itemId: r.itemId, correct: r.correct })));
    const fit = fitItemEmissions(seqs, start, { kind: 'multiple_choice' });
    const easy = fit.items.get('o1-easy'), hard = fit.items.get('o1-hard');
    expect(Math.abs((easy?.guess ?? 0) - 0.3)).toBeLessThanOrEqual(0.04);
    expect(Math.abs((easy?.slip ?? 0) - 0.05)).toBeLessThanOrEqual(0.04);
    expect(Math.abs((hard?.guess ?? 0) - 0.1)).toBeLessThanOrEqual(0.04);
    expect(Math.abs((hard?.slip ?? 0) - 0.2)).toBeLessThanOrEqual(0.04);
  });

  it('finds the ability that shifts the prior, and none where there is none; the filter is deterministic', () => {
    const params = new Map([['o1', start], ['o2', start]]);
    const withAbility = fitAbilityCoef(data.slice(0, 400), { params, items: new Map() });
    expect(withAbility.coef.prior).toBeGreaterThanOrEqual(0.8);
    const none = fitAbilityCoef(simulate(mulberry32(12), 400, 0), { params, items: new Map() });
    expect(none.coef.prior).toBeLessThanOrEqual(0.4);
    const a: number[] = [], b: number[] = [];
    walkMixture(data.slice(0, 50), { params, items: new Map(), coef: withAbility.coef }, (p) => a.push(p));
    walkMixture(data.slice(0, 50), { params, items: new Map(), coef: withAbility.coef }, (p) => b.push(p));
    expect(a).toEqual(b);
  });
});
