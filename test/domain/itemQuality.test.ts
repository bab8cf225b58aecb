import { describe, expect, it } from 'vitest';
import { ITEM_QUALITY, itemQuality } from '../../src/domain/itemQuality.js';
import { newItemStats } from '../../src/domain/elo.js';

const stats = (o: { responses: number; correct: number; masteredResponses: number; masteredCorrect: number; difficulty?: number }) => ({
  ...newItemStats(0),
  ...o,
  difficulty: o.difficulty ?? 0,
});

describe('item quality', () => {
  it('judges nothing below the minimum number of responses', () => {
    const q = itemQuality(stats({ responses: ITEM_QUALITY.minResponses - 1, correct: 29, masteredResponses: 0, masteredCorrect: 0 }));
    expect(q).toMatchObject({ enough: false, percentCorrect: null, discrimination: null, flags: [] });
  });

  it('separates mastered from not-yet students: discrimination, guess and slip rates', () => {
    // 40 mastered (36 right), 60 not yet (18 right): discrimination 0.9 − 0.3 = 0.6, guess 0.3, slip 0.1.
    const q = itemQuality(stats({ responses: 100, correct: 54, masteredResponses: 40, masteredCorrect: 36 }));
    expect(q.percentCorrect).toBeCloseTo(0.54);
    expect(q.discrimination).toBeCloseTo(0.6);
    expect(q.guessRate).toBeCloseTo(0.3);
    expect(q.slipRate).toBeCloseTo(0.1);
    expect(q.flags).toEqual([]);
  });

  it('flags items that behave badly, naming the threshold', () => {
    const guessable = itemQuality(stats({ responses: 100, correct: 85, masteredResponses: 30, masteredCorrect: 27 }));
    expect(guessable.flags.map((f) => f.reason)).toEqual(['low_discrimination', 'guessable']);
    expect(guessable.flags[1]).toMatchObject({ threshold: ITEM_QUALITY.highGuess });
    const missedByMasters = itemQuality(stats({ responses: 60, correct: 20, masteredResponses: 40, masteredCorrect: 16 }));
    expect(missedByMasters.flags.map((f) => f.reason)).toContain('fails_mastered_students');
    const easy = itemQuality(stats({ responses: 50, correct: 49, masteredResponses: 5, masteredCorrect: 5, difficulty: -500 }));
    expect(easy.flags.map((f) => f.reason)).toEqual(['too_easy', 'guessable', 'difficulty_drift']);
  });
});
