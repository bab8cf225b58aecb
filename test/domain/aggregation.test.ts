import { describe, expect, it } from 'vitest';
import { aggregateScores, standardDecayingAverage, type CalculationMethod } from '../../src/domain/aggregation.js';

// Canvas Outcomes vectors (LMS-NOTES): scores 1..5 oldest first, out of 5, mastery 3, weight 65.
const scores = [1, 2, 3, 4, 5];
const vectors: { method: CalculationMethod; n?: number; expected: number | null }[] = [
  { method: 'decaying_average', expected: 4.13 },
  { method: 'standard_decaying_average', expected: 4.47 },
  { method: 'n_mastery', n: 3, expected: 4 },
  { method: 'n_mastery', n: 4, expected: null },
  { method: 'highest', expected: 5 },
  { method: 'latest', expected: 5 },
  { method: 'average', expected: 3 },
];

describe('Canvas Outcomes parity', () => {
  it.each(vectors)('$method (n=$n) gives $expected', ({ method, n, expected }) => {
    expect(aggregateScores(scores, { method, n, weight: 65, masteryPoints: 3 })).toBe(expected);
  });
  it('standard decaying average passes through the documented intermediate values', () => {
    const steps = [2, 3, 4, 5].map((k) => standardDecayingAverage(scores.slice(0, k), 65));
    expect(steps).toEqual([1.65, 2.53, 3.48, 4.47]); // 1.65 → 2.5275 → 3.484625 → 4.4696…, rounded to 2 dp
  });
  it('returns null without scores', () => {
    expect(aggregateScores([], { method: 'average', masteryPoints: 3 })).toBeNull();
  });
});
