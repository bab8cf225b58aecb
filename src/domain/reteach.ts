/**
 * The reteach loop policy: mastery check length, caps (cycles and opportunities) before a student
 * is flagged "stuck", and the spaced retention schedule.
 */
import { ValidationFailed } from './errors.js';
import type { Accommodations } from './release.js';

/**
 * Loop settings (ADR 0011 and 0013, calibrated with `npm run bench -- model`). Defaults: a check of 3 items passed on
 * 2 right AND the mastery rule at its end, begun by a right answer with P ≥ 0.5, growing by 1 item when it has its
 * right answers but P is still below θ; a 2-item re-check (both right) after a reopen; reteach after 3 wrong answers
 * in a row during practice (the falling-estimate rule is off); wheel-spinning flagged after 10 opportunities
 * without mastery (the student gets reteach, not "move on"); "stuck" (may move on) after 5 failed checks; 1 guided
 * item before a re-check; retention after 1, 3, 7, 21 days.
 */
export interface LoopPolicy {
  /** Items in a mastery check, 3–5. */
  readonly checkLength: number;
  /** Right answers a check needs (k of n), 1–checkLength; the mastery rule must hold at its end too. */
  readonly checkPassCorrect: number;
  /**
   * Items a full check may grow by when it has its k right answers but P is still below θ at its end (ADR 0013),
   * one at a time, each followed by the rule; 0 turns it off.
   */
  readonly checkExtension: number;
  /** P(mastery) from which a right answer starts a check (0.5–θ); the check itself then confirms θ. */
  readonly checkReadiness: number;
  /** Items of the short re-check after a reopen (all must be right), 1–checkLength. */
  readonly recheckLength: number;
  /** Wrong answers in a row during practice that lead to reteach before any check (struggle); 0 turns it off. */
  readonly struggleErrors: number;
  /** Fall of P(mastery) from its highest point in practice that leads to reteach before any check (ADR 0013); 0 turns it off. */
  readonly struggleDrop: number;
  /** Failed checks allowed before "stuck" (not mastered, the student may move on). */
  readonly maxCycles: number;
  /**
   * Responses without mastery before wheel-spinning is flagged (Beck & Gong: no mastery within ~10 opportunities):
   * the instructor sees the flag and the student is offered reteach; practice goes on.
   */
  readonly maxOpportunities: number;
  /** Guided-practice responses after a failed check before a re-check may start. */
  readonly minGuidedItems: number;
  /** Days after mastery when the retention items fall due (offsets from the mastery time, not gaps). */
  readonly retentionIntervalsDays: readonly number[];
}

/** The default {@link LoopPolicy}. */
export const DEFAULT_LOOP_POLICY: LoopPolicy = Object.freeze({
  checkLength: 3,
  checkPassCorrect: 2,
  checkReadiness: 0.5,
  recheckLength: 2,
  struggleErrors: 3,
  struggleDrop: 0,
  checkExtension: 1,
  maxCycles: 5,
  maxOpportunities: 10,
  minGuidedItems: 1,
  retentionIntervalsDays: Object.freeze([1, 3, 7, 21]),
});

/** Throws ERR_VALIDATION when the policy is out of range (check length 3–5, positive caps, increasing intervals). */
export function validateLoopPolicy(p: LoopPolicy): LoopPolicy {
  const issues: { path: string; message: string }[] = [];
  if (!Number.isInteger(p.checkLength) || p.checkLength < 3 || p.checkLength > 5) issues.push({ path: 'checkLength', message: 'from 3 to 5 items' });
  if (!Number.isInteger(p.checkPassCorrect) || p.checkPassCorrect < 1 || p.checkPassCorrect > p.checkLength) issues.push({ path: 'checkPassCorrect', message: 'from 1 to the check length' });
  if (!Number.isInteger(p.checkExtension) || p.checkExtension < 0 || p.checkExtension > 2) issues.push({ path: 'checkExtension', message: 'from 0 to 2 items' });
  if (!(p.checkReadiness >= 0.5 && p.checkReadiness <= 0.99)) issues.push({ path: 'checkReadiness', message: 'from 0.5 to 0.99' });
  if (!Number.isInteger(p.recheckLength) || p.recheckLength < 1 || p.recheckLength > p.checkLength) issues.push({ path: 'recheckLength', message: 'from 1 to the check length' });
  if (!Number.isInteger(p.struggleErrors) || p.struggleErrors < 0) issues.push({ path: 'struggleErrors', message: 'zero (off) or more' });
  if (!(p.struggleDrop >= 0 && p.struggleDrop < 1)) issues.push({ path: 'struggleDrop', message: 'zero (off) or a fall below 1' });
  if (!Number.isInteger(p.maxCycles) || p.maxCycles < 1) issues.push({ path: 'maxCycles', message: 'at least 1' });
  if (!Number.isInteger(p.maxOpportunities) || p.maxOpportunities < p.checkLength) issues.push({ path: 'maxOpportunities', message: 'at least the check length' });
  if (!Number.isInteger(p.minGuidedItems) || p.minGuidedItems < 0) issues.push({ path: 'minGuidedItems', message: 'zero or more' });
  if (p.retentionIntervalsDays.some((d, i, a) => !(d > 0) || (i > 0 && d <= (a[i - 1] as number)))) {
    issues.push({ path: 'retentionIntervalsDays', message: 'positive and increasing' });
  }
  if (issues.length) throw new ValidationFailed('Invalid reteach loop policy.', issues);
  return p;
}

/** The caps after a student's accommodations (extra cycles and attempts are added). */
export function effectiveCaps(policy: LoopPolicy, acc?: Accommodations): { cycles: number; opportunities: number } {
  return {
    cycles: policy.maxCycles + (acc?.extraCycles ?? 0),
    opportunities: policy.maxOpportunities + (acc?.extraOpportunities ?? 0),
  };
}

/** True when `cycles` failed checks reach the cycle cap ("stuck": not mastered, the student may move on). */
export function cycleCapReached(cycles: number, caps: { cycles: number }): boolean {
  return cycles >= caps.cycles;
}

/** True when `opportunities` responses without mastery reach the wheel-spinning flag. */
export function wheelSpinning(opportunities: number, caps: { opportunities: number }): boolean {
  return opportunities >= caps.opportunities;
}

const DAY_MS = 86_400_000;

/** When retention step `step` (0-based) falls due for an objective mastered at `from` (epoch ms); null after the last step. */
export function retentionDueAt(from: number, step: number, intervalsDays: readonly number[]): number | null {
  const days = intervalsDays[step];
  return days === undefined ? null : from + days * DAY_MS;
}
