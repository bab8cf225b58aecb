/** Messages as stored in a text column: structured ones round-trip, text written before them is kept as it is. */
import { describe, expect, it } from 'vitest';
import { explanationMessage } from '../../src/domain/explain.js';
import { decodeMessage, encodeMessage } from '../../src/domain/message.js';

describe('stored messages', () => {
  it('round-trip as the same text each time (recompute writes identical rows)', () => {
    const m = explanationMessage('mastered', 'check_passed', 'Halves', { pAfter: 0.97, threshold: 0.95, responses: 6, checkCorrect: 3, checkLength: 3 });
    const stored = encodeMessage(m);
    expect(stored).toBe(encodeMessage(explanationMessage('mastered', 'check_passed', 'Halves', { pAfter: 0.97, threshold: 0.95, responses: 6, checkCorrect: 3, checkLength: 3 })));
    expect(decodeMessage(stored)).toEqual(m);
  });

  it('reads rows written before messages were structured as their plain text', () => {
    for (const old of ['Unlocked because you mastered Halves (P=0.97 ≥ 0.95 over 6 items).', '{not json', '{"key": 1}']) expect(decodeMessage(old)).toBe(old);
  });
});
