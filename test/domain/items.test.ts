import { describe, expect, it } from 'vitest';
import { checkAnswer, parseNumber, validateItem, type Item } from '../../src/domain/items.js';

const base = { objectiveIds: ['o1'], stem: '?' };
describe('checkAnswer', () => {
  it('single choice', () => {
    const item: Item = { ...base, id: 'i', kind: 'single_choice', choices: [{ id: 'a', text: '1' }, { id: 'b', text: '2', feedback: 'Halve it.' }], correctChoiceId: 'a' };
    expect(checkAnswer(item, 'a').correct).toBe(true);
    expect(checkAnswer(item, 'b')).toEqual({ correct: false, feedback: 'Halve it.' });
  });
  it('multiple choice needs exactly the right set', () => {
    const item: Item = { ...base, id: 'i', kind: 'multiple_choice', choices: [], correctChoiceIds: ['a', 'c'] };
    expect(checkAnswer(item, ['c', 'a']).correct).toBe(true);
    expect(checkAnswer(item, ['a']).correct).toBe(false);
    expect(checkAnswer(item, ['a', 'b', 'c']).correct).toBe(false);
  });
  it('numeric accepts fractions, decimals and percentages within tolerance', () => {
    const item: Item = { ...base, id: 'i', kind: 'numeric', answer: 0.75, tolerance: 0.001 };
    for (const r of ['0.75', '.75', '3/4', '75%', ' 6/8 ']) expect(checkAnswer(item, r).correct).toBe(true);
    for (const r of ['0.7', '3/5', 'three quarters', '1/0']) expect(checkAnswer(item, r).correct).toBe(false);
    expect(parseNumber('1 1/2')).toBe(1.5);
    expect(parseNumber('-1,000.5')).toBe(-1000.5);
  });
  it('short answer normalises case and whitespace', () => {
    const item: Item = { ...base, id: 'i', kind: 'short_answer', acceptedAnswers: ['common denominator'] };
    expect(checkAnswer(item, '  Common   DENOMINATOR ').correct).toBe(true);
    expect(checkAnswer(item, 'denominator').correct).toBe(false);
  });
});

describe('validateItem', () => {
  it('rejects a choice item whose right answer is not a choice', () => {
    const bad: Item = { ...base, id: 'i', kind: 'single_choice', choices: [{ id: 'a', text: '1' }], correctChoiceId: 'z' };
    expect(() => validateItem(bad)).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(validateItem({ ...bad, correctChoiceId: 'a' })).toBeTruthy();
  });
});
