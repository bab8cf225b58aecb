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


/**
 * Weight of the Elo term in {@link predictWithElo} (ADR 0010): calibrated on `npm run bench -- model`, where
 * 0.5–1 closes about half of the gap to the oracle left by item difficulty and ability.
 */
export const ELO_WEIGHT = 0.75;

const logit = (x: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, x));
  return Math.log(q / (1 - q));
};

/**
 * P(correct) on the next response with item difficulty and the learner's ability: BKT's prediction shifted on the
 * logit scale by the Elo-expected success `elo` (the learner's ability against the item's difficulty, both kept by
 * the projection): σ(logit(p_BKT) + w·logit(elo)). P(mastery) itself is unchanged; this is what `npm run model --
 * predict` reports.
 */
export function predictWithElo(pCorrect: number, elo: number, weight = ELO_WEIGHT): number {
  return 1 / (1 + Math.exp(-(logit(pCorrect) + weight * logit(elo))));
}
