import { describe, expect, it } from 'vitest';
import { clampBktParams, DEFAULT_BKT, predictCorrect, predictWithElo, updateMastery, validateBktParams, type BktParams } from '../../src/domain/bkt.js';

const tenth: BktParams = { prior: 0.1, learn: 0.1, guess: 0.1, slip: 0.1, forget: 0 };

describe('BKT update', () => {
  it('matches the reference vector: L0=T=G=S=0.1, correct → 0.55', () => {
    expect(updateMastery(0.1, true, tenth)).toBeCloseTo(0.55, 10);
  });
  it('matches the reference vector: L0=T=G=S=0.1, wrong → 0.1110', () => {
    expect(Number(updateMastery(0.1, false, tenth).toFixed(4))).toBe(0.111);
  });
  it('applies forgetting after the posterior', () => {
    // post after a correct answer is 0.5; with F = 0.2: 0.5·0.8 + 0.5·0.1 = 0.45
    expect(updateMastery(0.1, true, { ...tenth, forget: 0.2 })).toBeCloseTo(0.45, 10);
  });
  it('predicts P(correct) from guess and slip', () => {
    expect(predictCorrect(0.5, DEFAULT_BKT)).toBeCloseTo(0.5 * 0.9 + 0.5 * 0.2, 10);
  });
  it('uses the issue defaults', () => {
    expect(DEFAULT_BKT).toEqual({ prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1, forget: 0 });
  });
});

describe('BKT bounds', () => {
  it('clamps guess and slip to 0.3/0.2 for multiple choice and 0.1 otherwise', () => {
    const wild = { prior: 0.2, learn: 0.2, guess: 0.45, slip: 0.35, forget: 0 };
    expect(clampBktParams(wild, 'multiple_choice')).toMatchObject({ guess: 0.3, slip: 0.2 });
    expect(clampBktParams(wild, 'open')).toMatchObject({ guess: 0.1, slip: 0.1 });
  });
  it('rejects out-of-bounds parameters with ERR_VALIDATION', () => {
    expect(() => validateBktParams({ ...DEFAULT_BKT, guess: 0.25 }, 'open')).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(validateBktParams({ ...DEFAULT_BKT, guess: 0.25 }, 'multiple_choice').guess).toBe(0.25);
  });
});

describe('predictWithElo (ADR 0010: item difficulty and ability in the prediction)', () => {
  it('leaves BKT alone at an even Elo match and moves it toward the Elo expectation otherwise', () => {
    expect(predictWithElo(0.62, 0.5)).toBeCloseTo(0.62, 12);
    expect(predictWithElo(0.62, 0.8)).toBeGreaterThan(0.62);
    expect(predictWithElo(0.62, 0.2)).toBeLessThan(0.62);
    expect(predictWithElo(0.62, 0.9, 0)).toBeCloseTo(0.62, 12);
    expect(predictWithElo(1, 0)).toBeGreaterThan(0);
  });
});
