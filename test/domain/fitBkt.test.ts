import { describe, expect, it } from 'vitest';
import { fitBkt, fitObjective, MAX_FITTED_FORGET, noKnowledgeLogLikelihood, shouldFit, simulateBkt } from '../../src/domain/fitBkt.js';
import { mulberry32 } from '../../src/domain/random.js';
import type { BktParams } from '../../src/domain/bkt.js';

const truth: BktParams = { prior: 0.1, learn: 0.3, guess: 0.1, slip: 0.03, forget: 0 };

describe('EM recovery', () => {
  it('recovers L0, T, G, S within ±0.03 from 500 students × 100 responses', () => {
    const data = simulateBkt(truth, 500, 100, mulberry32(42));
    const fit = fitBkt(data, { kind: 'multiple_choice', seed: 7 });
    for (const k of ['prior', 'learn', 'guess', 'slip'] as const) expect(Math.abs(fit.params[k] - truth[k]), k).toBeLessThanOrEqual(0.03);
  });
  it('recovers each parameter within ±0.1 from 200 students × 8 responses', () => {
    const data = simulateBkt(truth, 200, 8, mulberry32(4242));
    const fit = fitBkt(data, { kind: 'multiple_choice', seed: 7 });
    for (const k of ['prior', 'learn', 'guess', 'slip'] as const) expect(Math.abs(fit.params[k] - truth[k]), k).toBeLessThanOrEqual(0.1);
  });
  it('is deterministic for a seed and stays within the bounds for open objectives', () => {
    const data = simulateBkt({ prior: 0.3, learn: 0.2, guess: 0.35, slip: 0.3, forget: 0 }, 150, 10, mulberry32(1));
    const a = fitBkt(data, { kind: 'open', seed: 3 });
    expect(fitBkt(data, { kind: 'open', seed: 3 })).toEqual(a);
    expect(a.params.guess).toBeLessThanOrEqual(0.1);
    expect(a.params.slip).toBeLessThanOrEqual(0.1);
  });
});

describe('shouldFit', () => {
  it('needs 100 students with at least 5 responses', () => {
    expect(shouldFit([...Array(99).fill(5), 4, 50])).toBe(true);
    expect(shouldFit([...Array(99).fill(5), 4])).toBe(false);
  });
});

describe('fitObjective (ADR 0010: the product\'s fit with guard rails)', () => {
  it('fits forgetting, and keeps it below the guard rail', () => {
    const truth = { prior: 0.2, learn: 0.25, guess: 0.15, slip: 0.08, forget: 0.02 };
    const r = fitObjective(simulateBkt(truth, 800, 20, mulberry32(3)), { kind: 'multiple_choice', seed: 1 });
    expect(r.status).toBe('fitted');
    expect(r.params.forget).toBeGreaterThan(0.005);
    expect(r.params.forget).toBeLessThanOrEqual(MAX_FITTED_FORGET);
  });
  it('refuses a fit that finds no learning, with the reason', () => {
    const r = fitObjective(simulateBkt({ prior: 0.3, learn: 0, guess: 0.2, slip: 0.1, forget: 0 }, 800, 20, mulberry32(4)), { kind: 'multiple_choice', seed: 1 });
    expect(r).toMatchObject({ status: 'refused', reason: expect.stringMatching(/no learning found/) });
  });
});

describe('fitObjective: answers that do not depend on knowing (likelihood against no knowledge)', () => {
  it('refuses coin-toss answers on an open-response objective, whose bounds keep G + S ≤ 0.2', () => {
    const rng = mulberry32(9);
    const coinToss = Array.from({ length: 300 }, () => Array.from({ length: 12 }, () => rng.next() < 0.5));
    const r = fitObjective(coinToss, { kind: 'open', seed: 1 });
    expect(r.params.guess + r.params.slip).toBeLessThan(0.5);
    expect(r).toMatchObject({ status: 'refused', code: 'uninformative', reason: expect.stringMatching(/no better than a constant rate/) });
  });
  it('fits open-response answers that depend on knowing', () => {
    const r = fitObjective(simulateBkt({ prior: 0.2, learn: 0.2, guess: 0.05, slip: 0.05, forget: 0 }, 300, 12, mulberry32(10)), { kind: 'open', seed: 1 });
    expect(r.status).toBe('fitted');
  });
  it('the no-knowledge log-likelihood is the Bernoulli one at the overall rate: 3 right of 4 → 3·ln¾ + ln¼', () => {
    expect(noKnowledgeLogLikelihood([[true, true], [true, false]])).toBeCloseTo(3 * Math.log(0.75) + Math.log(0.25), 12);
  });
});
