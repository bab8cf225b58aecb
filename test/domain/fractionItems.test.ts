import { describe, expect, it } from 'vitest';
import { checkAnswer, parseFraction, validateItem, type FractionItem } from '../../src/domain/items.js';

const half: FractionItem = { id: 'f', kind: 'fraction', objectiveIds: ['o'], stem: 'Half?', numerator: 1, denominator: 2 };

describe('fraction items', () => {
  it('compares by value: equal fractions, mixed numbers and whole numbers are right', () => {
    for (const r of ['1/2', '2/4', ' 50 / 100 ', '½'.normalize('NFKC')]) expect(checkAnswer(half, r).correct, r).toBe(true);
    expect(checkAnswer({ ...half, numerator: 3, denominator: 2 }, '1 1/2').correct).toBe(true);
    expect(checkAnswer({ ...half, numerator: 2, denominator: 1 }, '2').correct).toBe(true);
    expect(checkAnswer({ ...half, numerator: -3, denominator: 4 }, '−3/4').correct).toBe(true);
    expect(checkAnswer(half, '1/3').correct).toBe(false);
  });

  it('asks for simplest form only when the item says so, with its own feedback', () => {
    const simplest = { ...half, simplest: true };
    expect(checkAnswer(simplest, '1/2').correct).toBe(true);
    expect(checkAnswer(simplest, '2/4')).toEqual({ correct: false, feedback: { key: 'authoring.check.notSimplest' } });
    expect(checkAnswer(simplest, '3/4').feedback).toEqual({ key: 'items.wrong' });
  });

  it('refuses what is not a fraction (decimals, division by zero, words) with a hint', () => {
    for (const r of ['0.5', '1/0', 'half', '', '1//2']) expect(checkAnswer(half, r), r).toEqual({ correct: false, feedback: { key: 'authoring.check.notAFraction' } });
    expect(parseFraction('1 1/2')).toEqual({ numerator: 3, denominator: 2 });
  });

  it('validates the answer key', () => {
    expect(() => validateItem({ ...half, denominator: 0 })).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(validateItem(half)).toBe(half);
  });
});
