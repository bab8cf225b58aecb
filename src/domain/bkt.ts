/**
 * Bayesian Knowledge Tracing (Corbett & Anderson 1995) per student × objective.
 * One O(1) step per response: Bayes' rule with guess/slip, then learning (and optional forgetting).
 *
 * @see https://doi.org/10.1007/BF01099821
 */
import { ValidationFailed } from './errors.js';

/** BKT parameters: prior L0, learn T, guess G, slip S, forget F (0 = classic BKT). */
export interface BktParams {
  readonly prior: number;
  readonly learn: number;
  readonly guess: number;
  readonly slip: number;
  readonly forget: number;
}

/** How an objective is assessed; multiple choice allows more guessing and slipping. */
export type ObjectiveResponseKind = 'multiple_choice' | 'open';

/**
 * Defaults (common BKT starting values): L0 0.2, T 0.15, G 0.2, S 0.1, F 0. The default G 0.2 is only legal for
 * multiple-choice objectives; for open-response objectives it is clamped to their bound 0.1
 * (see {@link clampBktParams}, applied by `compileConfig`).
 */
export const DEFAULT_BKT: BktParams = Object.freeze({ prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1, forget: 0 });

/** Upper bounds of guess and slip by response kind (G ≤ 0.3, S ≤ 0.2 for multiple choice; ≤ 0.1 otherwise). */
export function bktBounds(kind: ObjectiveResponseKind): { maxGuess: number; maxSlip: number } {
  return kind === 'multiple_choice' ? { maxGuess: 0.3, maxSlip: 0.2 } : { maxGuess: 0.1, maxSlip: 0.1 };
}

const EPS = 1e-4;
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** Clamps every parameter into its legal range for `kind` (probabilities kept off 0 and 1). */
export function clampBktParams(p: BktParams, kind: ObjectiveResponseKind): BktParams {
  const b = bktBounds(kind);
  return {
    prior: clamp(p.prior, EPS, 1 - EPS),
    learn: clamp(p.learn, 0, 1 - EPS),
    guess: clamp(p.guess, EPS, b.maxGuess),
    slip: clamp(p.slip, EPS, b.maxSlip),
    forget: clamp(p.forget, 0, 0.5),
  };
}

/** Throws `ValidationFailed` (ERR_VALIDATION) unless every parameter is a probability within the bounds for `kind`. */
export function validateBktParams(p: BktParams, kind: ObjectiveResponseKind): BktParams {
  const b = bktBounds(kind);
  const issues: { path: string; message: string }[] = [];
  const check = (path: keyof BktParams, lo: number, hi: number) => {
    const v = p[path];
    if (!Number.isFinite(v) || v < lo || v > hi) issues.push({ path, message: `${path} must be between ${lo} and ${hi}.` });
  };
  check('prior', 0, 1);
  check('learn', 0, 1);
  check('guess', 0, b.maxGuess);
  check('slip', 0, b.maxSlip);
  check('forget', 0, 0.5);
  if (issues.length) throw new ValidationFailed('BKT parameters are out of bounds.', issues);
  return p;
}

/**
 * One BKT step: the posterior P(known | response), then the transition
 * P(known next) = post·(1 − F) + (1 − post)·T. Vector: L0=T=G=S=0.1 → correct 0.55, wrong 0.1110.
 */
export function updateMastery(p: number, correct: boolean, k: BktParams): number {
  const hit = correct ? 1 - k.slip : k.slip;
  const miss = correct ? k.guess : 1 - k.guess;
  const num = p * hit;
  const post = num / (num + (1 - p) * miss);
  return post * (1 - k.forget) + (1 - post) * k.learn;
}

/** P(correct) on the next response given P(known) = p: p·(1 − S) + (1 − p)·G. */
export function predictCorrect(p: number, k: BktParams): number {
  return p * (1 - k.slip) + (1 - p) * k.guess;
}

