import { describe, expect, it } from 'vitest';
import { effectiveThreshold, masteryRule, transition, validateThreshold } from '../../src/domain/mastery.js';

describe('mastery rule', () => {
  it('needs P ≥ θ, at least 3 responses and the last one correct', () => {
    expect(masteryRule({ p: 0.95, responses: 3, lastCorrect: true }, 0.95)).toEqual({ met: true, shortfalls: [] });
    expect(masteryRule({ p: 0.9499, responses: 3, lastCorrect: true }, 0.95).shortfalls).toEqual(['probability']);
    expect(masteryRule({ p: 0.99, responses: 2, lastCorrect: true }, 0.95).shortfalls).toEqual(['too_few_items']);
    expect(masteryRule({ p: 0.99, responses: 9, lastCorrect: false }, 0.95).shortfalls).toEqual(['last_wrong']);
    expect(masteryRule({ p: 0.99, responses: 0, lastCorrect: null }, 0.95).met).toBe(false);
  });
  it('validates the course threshold range 0.80–0.99', () => {
    expect(validateThreshold(0.8)).toBe(0.8);
    expect(() => validateThreshold(0.79)).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
    expect(() => validateThreshold(1)).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
  });
  it('applies an accommodation offset and clamps to 0.80–0.99', () => {
    expect(effectiveThreshold(0.95, -0.05)).toBe(0.9);
    expect(effectiveThreshold(0.82, -0.05)).toBe(0.8);
    expect(effectiveThreshold(0.97, 0.05)).toBe(0.99);
  });
});

describe('state machine', () => {
  it('follows the explicit transitions', () => {
    expect(transition('locked', 'unlock')).toBe('available');
    expect(transition('checking', 'fail_check')).toBe('reteaching');
    expect(transition('reteaching', 'begin_check')).toBe('checking');
    expect(transition('mastered', 'reopen')).toBe('needs_review');
    expect(transition('not_mastered', 'reset')).toBe('available');
  });
  it('rejects illegal transitions with ERR_CONFLICT', () => {
    expect(() => transition('locked', 'pass_check')).toThrow(expect.objectContaining({ code: 'ERR_CONFLICT' }));
    expect(() => transition('mastered', 'begin_check')).toThrow(expect.objectContaining({ code: 'ERR_CONFLICT' }));
  });
});
