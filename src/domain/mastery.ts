/**
 * The mastery rule and the per-objective state machine.
 *
 * Rule: P(mastery) ≥ θ AND at least 3 responses on the objective AND the last one correct.
 * θ is a course setting (default 0.95, allowed 0.80–0.99); a student's accommodation may offset it.
 */
import { IllegalTransition, ValidationFailed } from './errors.js';
import { msg } from './message.js';

/** Where a student stands on one objective. */
export type ObjectiveState =
  | 'locked' // prerequisites not met, no override, release date not passed
  | 'available' // released, no response yet
  | 'practising' // practice until the rule holds
  | 'checking' // a mastery check (3–5 items) in progress
  | 'reteaching' // check failed, struggle or wheel-spinning: reteach content, then guided practice until ready to re-check
  | 'mastered'
  | 'not_mastered' // cycle cap reached: flagged "stuck", the student may move on
  | 'needs_review'; // was mastered, then a retention miss or P fell below θ

/** What makes an objective change state. */
export type Trigger =
  | 'unlock'
  | 'start'
  | 'begin_check'
  | 'struggle'
  | 'pass_check'
  | 'fail_check'
  | 'reach_cap'
  | 'reopen'
  | 'reset';

/** The explicit transition table: state → trigger → next state. Anything else is illegal. */
export const TRANSITIONS: Readonly<Record<ObjectiveState, Readonly<Partial<Record<Trigger, ObjectiveState>>>>> = Object.freeze({
  locked: { unlock: 'available' },
  available: { start: 'practising' },
  practising: { begin_check: 'checking', struggle: 'reteaching', reach_cap: 'not_mastered' },
  checking: { pass_check: 'mastered', fail_check: 'reteaching', reach_cap: 'not_mastered' },
  reteaching: { begin_check: 'checking', reach_cap: 'not_mastered' },
  mastered: { reopen: 'needs_review' },
  not_mastered: { reset: 'available' },
  needs_review: { begin_check: 'checking' },
});

/** The next state for `trigger`, or throws `IllegalTransition` (ERR_CONFLICT). */
export function transition(from: ObjectiveState, trigger: Trigger): ObjectiveState {
  const to = TRANSITIONS[from][trigger];
  if (!to) throw new IllegalTransition(from, trigger);
  return to;
}

/** The default mastery threshold θ and its allowed course range. */
export const DEFAULT_THRESHOLD = 0.95;
export const THRESHOLD_RANGE = Object.freeze({ min: 0.8, max: 0.99 });
/** Minimum responses on an objective before it can count as mastered. */
export const MIN_MASTERY_ITEMS = 3;

/** Throws ERR_VALIDATION unless θ is within 0.80–0.99 (a course setting). */
export function validateThreshold(theta: number): number {
  if (!Number.isFinite(theta) || theta < THRESHOLD_RANGE.min || theta > THRESHOLD_RANGE.max) {
    throw new ValidationFailed('The mastery threshold must be between 0.80 and 0.99.', [{ path: 'threshold', message: 'between 0.80 and 0.99' }], msg('errors.thresholdRange'));
  }
  return theta;
}

/** A student's θ: the course θ plus their accommodation offset, clamped to 0.80–0.99. */
export function effectiveThreshold(theta: number, offset = 0): number {
  return Math.min(THRESHOLD_RANGE.max, Math.max(THRESHOLD_RANGE.min, Math.round((theta + offset) * 1e6) / 1e6));
}

/** The evidence the rule looks at. */
export interface MasteryEvidence {
  readonly p: number;
  readonly responses: number;
  readonly lastCorrect: boolean | null;
}

/** Which parts of the rule failed, if any. */
export type MasteryShortfall = 'probability' | 'too_few_items' | 'last_wrong';

/** Evaluates the mastery rule; `met` is true only when no part falls short. */
export function masteryRule(e: MasteryEvidence, theta: number): { met: boolean; shortfalls: MasteryShortfall[] } {
  const shortfalls: MasteryShortfall[] = [];
  if (!(e.p >= theta)) shortfalls.push('probability');
  if (e.responses < MIN_MASTERY_ITEMS) shortfalls.push('too_few_items');
  if (e.lastCorrect !== true) shortfalls.push('last_wrong');
  return { met: shortfalls.length === 0, shortfalls };
}
