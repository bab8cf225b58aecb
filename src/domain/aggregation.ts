/**
 * Outcome score roll-ups with Canvas Outcomes parity ("calculation methods").
 * Scores are given oldest first, in points (e.g. out of 5). Results are rounded to 2 dp like Canvas.
 *
 * @see https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-create-outcomes-for-a-course/ta-p/1102
 */
import { ValidationFailed } from './errors.js';

/** Canvas calculation method names (API spelling). */
export type CalculationMethod =
  | 'decaying_average' // Canvas "Weighted Average"
  | 'standard_decaying_average'
  | 'n_mastery'
  | 'highest'
  | 'latest'
  | 'average';

/** Method plus its parameter: `weight` (%, 1–99) for the two decaying averages, `n` for n_mastery. */
export interface CalculationSettings {
  readonly method: CalculationMethod;
  /** Weight of the newest score in percent (Canvas default 65). */
  readonly weight?: number;
  /** Number of scores at or above mastery needed for n_mastery. */
  readonly n?: number;
  /** The mastery cut in points (used by n_mastery). */
  readonly masteryPoints: number;
}

/** Rounds to 2 decimal places, half away from zero (with a guard against binary representation error). */
export function round2(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x) * 100 + 1e-9) / 100;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Canvas "Weighted Average" (`decaying_average`): latest·w + mean(older)·(1 − w); one score → that score. */
export function weightedAverage(scores: readonly number[], weightPct: number): number | null {
  const latest = scores.at(-1);
  if (latest === undefined) return null;
  if (scores.length === 1) return round2(latest);
  const w = weightPct / 100;
  return round2(latest * w + mean(scores.slice(0, -1)) * (1 - w));
}

/**
 * Standard decaying average: start with the oldest score, then for each newer score
 * avg ← avg·(1 − w) + score·w. Scores 1..5 with w = 65%: 1 → 1.65 → 2.5275 → 3.484625 → 4.4696 → 4.47.
 * Intermediate values are not rounded; only the result is.
 */
export function standardDecayingAverage(scores: readonly number[], weightPct: number): number | null {
  const [first, ...newer] = scores;
  if (first === undefined) return null;
  const w = weightPct / 100;
  let avg = first;
  for (const score of newer) avg = avg * (1 - w) + score * w;
  return round2(avg);
}

/** n Number of Times: once at least n scores reach mastery, the mean of those scores; otherwise null. */
export function nMastery(scores: readonly number[], n: number, masteryPoints: number): number | null {
  const met = scores.filter((s) => s >= masteryPoints);
  return met.length >= n && met.length > 0 ? round2(mean(met)) : null;
}

/** Aggregates scores with the given Canvas calculation method; null when there is no result (no scores, or n not reached). */
export function aggregateScores(scores: readonly number[], s: CalculationSettings): number | null {
  const latest = scores.at(-1);
  if (latest === undefined) return null;
  switch (s.method) {
    case 'decaying_average':
      return weightedAverage(scores, s.weight ?? 65);
    case 'standard_decaying_average':
      return standardDecayingAverage(scores, s.weight ?? 65);
    case 'n_mastery':
      return nMastery(scores, s.n ?? 5, s.masteryPoints);
    case 'highest':
      return round2(Math.max(...scores));
    case 'latest':
      return round2(latest);
    case 'average':
      return round2(mean(scores));
  }
}

/** Throws ERR_VALIDATION when the weight or n is out of Canvas's ranges (weight 1–99, n 1–10). */
export function validateCalculationSettings(s: CalculationSettings): CalculationSettings {
  const issues: { path: string; message: string }[] = [];
  if ((s.method === 'decaying_average' || s.method === 'standard_decaying_average') && s.weight !== undefined) {
    if (!Number.isInteger(s.weight) || s.weight < 1 || s.weight > 99) issues.push({ path: 'weight', message: 'weight must be an integer from 1 to 99.' });
  }
  if (s.method === 'n_mastery' && s.n !== undefined && (!Number.isInteger(s.n) || s.n < 1 || s.n > 10)) {
    issues.push({ path: 'n', message: 'n must be an integer from 1 to 10.' });
  }
  if (!Number.isFinite(s.masteryPoints)) issues.push({ path: 'masteryPoints', message: 'masteryPoints must be a number.' });
  if (issues.length) throw new ValidationFailed('Invalid calculation settings.', issues);
  return s;
}
