/**
 * How well a question works, from its running statistics (src/domain/elo.ts): how often it is answered right, how
 * well it separates students who have mastered the objective from those who have not (discrimination), how often
 * students who have not mastered it still get it right (an upper bound on guessing) and how often students who have
 * mastered it miss it (slips). Shown to instructors only once an item has {@link ITEM_QUALITY.minResponses}
 * responses; each flag names its threshold, so an instructor can see why an item was flagged.
 */
import { DEFAULT_ELO, type ItemStats } from './elo.js';

/** Thresholds (the minimum of 30 responses follows the usual rule of thumb for classical item statistics). */
export const ITEM_QUALITY = Object.freeze({
  minResponses: DEFAULT_ELO.minResponses,
  /** Both groups (mastered / not yet) need this many responses before discrimination and guessing are shown. */
  minGroup: 10,
  tooEasy: 0.95,
  tooHard: 0.2,
  lowDiscrimination: 0.1,
  highGuess: 0.6,
  masteredMinCorrect: DEFAULT_ELO.masteredMinCorrectRate,
  driftLimit: DEFAULT_ELO.driftLimit,
});

/** Why an item is flagged, with the threshold that flagged it. */
export type ItemQualityFlag =
  | { reason: 'too_easy' | 'too_hard' | 'low_discrimination' | 'guessable' | 'fails_mastered_students'; value: number; threshold: number }
  | { reason: 'difficulty_drift'; value: number; threshold: number };

/** An item's statistics as instructors see them (rates 0–1; null where there is too little data). */
export interface ItemQuality {
  responses: number;
  enough: boolean;
  percentCorrect: number | null;
  discrimination: number | null;
  guessRate: number | null;
  slipRate: number | null;
  flags: ItemQualityFlag[];
}

/** Computes an item's statistics and flags; nothing is judged below the minimum number of responses. */
export function itemQuality(s: ItemStats): ItemQuality {
  const q = ITEM_QUALITY;
  const enough = s.responses >= q.minResponses;
  const notMastered = s.responses - s.masteredResponses;
  const groups = s.masteredResponses >= q.minGroup && notMastered >= q.minGroup;
  const masteredRate = s.masteredResponses ? s.masteredCorrect / s.masteredResponses : null;
  const notMasteredRate = notMastered ? (s.correct - s.masteredCorrect) / notMastered : null;
  const out: ItemQuality = {
    responses: s.responses,
    enough,
    percentCorrect: enough ? s.correct / s.responses : null,
    discrimination: enough && groups && masteredRate !== null && notMasteredRate !== null ? masteredRate - notMasteredRate : null,
    guessRate: enough && notMastered >= q.minGroup ? notMasteredRate : null,
    slipRate: enough && s.masteredResponses >= q.minGroup && masteredRate !== null ? 1 - masteredRate : null,
    flags: [],
  };
  if (!enough) return out;
  const flag = (f: ItemQualityFlag) => out.flags.push(f);
  const pc = out.percentCorrect ?? 0;
  if (pc > q.tooEasy) flag({ reason: 'too_easy', value: pc, threshold: q.tooEasy });
  if (pc < q.tooHard) flag({ reason: 'too_hard', value: pc, threshold: q.tooHard });
  if (out.discrimination !== null && out.discrimination < q.lowDiscrimination) flag({ reason: 'low_discrimination', value: out.discrimination, threshold: q.lowDiscrimination });
  if (out.guessRate !== null && out.guessRate > q.highGuess) flag({ reason: 'guessable', value: out.guessRate, threshold: q.highGuess });
  if (masteredRate !== null && s.masteredResponses >= q.minResponses && masteredRate < q.masteredMinCorrect)
    flag({ reason: 'fails_mastered_students', value: masteredRate, threshold: q.masteredMinCorrect });
  const drift = Math.abs(s.difficulty - s.initialDifficulty);
  if (drift > q.driftLimit) flag({ reason: 'difficulty_drift', value: Math.round(drift), threshold: q.driftLimit });
  return out;
}
