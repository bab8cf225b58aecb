/**
 * The reteach loop policy: mastery check length, caps (cycles and opportunities) before a student
 * is flagged "stuck", and the spaced retention schedule.
 */
import { ValidationFailed } from './errors.js';
import type { Accommodations } from './release.js';

/** Loop settings. Defaults: check of 3 items, 3 cycles, 10 opportunities, 2 guided items, retention after 1, 3, 7, 21 days. */
export interface LoopPolicy {
  /** Items in a mastery check, 3–5. */
  readonly checkLength: number;
  /** Failed checks allowed before "stuck". */
  readonly maxCycles: number;
  /** Responses without mastery allowed before "stuck" (wheel-spinning: no mastery within 10 opportunities). */
  readonly maxOpportunities: number;
  /** Guided-practice responses after a failed check before a re-check may start. */
  readonly minGuidedItems: number;
  /** Days after mastery when the retention items fall due (offsets from the mastery time, not gaps). */
  readonly retentionIntervalsDays: readonly number[];
}

/** The default {@link LoopPolicy}. */
export const DEFAULT_LOOP_POLICY: LoopPolicy = Object.freeze({
  checkLength: 3,
  maxCycles: 3,
  maxOpportunities: 10,
  minGuidedItems: 2,
  retentionIntervalsDays: Object.freeze([1, 3, 7, 21]),
});

/** Throws ERR_VALIDATION when the policy is out of range (check length 3–5, positive caps, increasing intervals). */
export function validateLoopPolicy(p: LoopPolicy): LoopPolicy {
  const issues: { path: string; message: string }[] = [];
  if (!Number.isInteger(p.checkLength) || p.checkLength < 3 || p.checkLength > 5) issues.push({ path: 'checkLength', message: 'from 3 to 5 items' });
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

/** Which cap, if any, is reached by `cycles` failed checks and `opportunities` responses without mastery. */
export function capReached(cycles: number, opportunities: number, caps: { cycles: number; opportunities: number }): 'cycles' | 'opportunities' | null {
  if (cycles >= caps.cycles) return 'cycles';
  if (opportunities >= caps.opportunities) return 'opportunities';
  return null;
}

const DAY_MS = 86_400_000;

/** When retention step `step` (0-based) falls due for an objective mastered at `from` (epoch ms); null after the last step. */
export function retentionDueAt(from: number, step: number, intervalsDays: readonly number[]): number | null {
  const days = intervalsDays[step];
  return days === undefined ? null : from + days * DAY_MS;
}
