/**
 * How a context turns mastery into grades: the policy an instructor picks, and the default when they never did.
 */
import { validateCalculationSettings, type CalculationMethod } from './aggregation.js';
import { ValidationFailed } from './errors.js';
import { msg } from './message.js';

/** How mastery becomes a grade: fraction of objectives mastered, P(mastery) scaled, or a Canvas-parity roll-up. */
export type GradePolicyKind = 'fraction_mastered' | 'p_mastery' | 'aggregation';

/** A context's grade policy and gradebook layout. */
export interface GradePolicy {
  contextId: string;
  policy: GradePolicyKind;
  /** Canvas calculation method when policy = 'aggregation' (scores are P(mastery) × 5 over time). */
  calculation: { method: CalculationMethod; weight: number; n: number } | null;
  /** One line item per objective. */
  perObjective: boolean;
  /** One line item per activity (deep-linked resource covering several objectives). */
  perActivity: boolean;
  scoreMaximum: number;
}

/** Default policy: one line item per objective, fraction mastered (0 or full marks per objective), out of 100. */
export const defaultPolicy = (contextId: string): GradePolicy => ({
  contextId,
  policy: 'fraction_mastered',
  calculation: null,
  perObjective: true,
  perActivity: true,
  scoreMaximum: 100,
});

/** The roll-up of an 'aggregation' policy when the instructor chose none: Canvas's default weighted average. */
export const DEFAULT_CALCULATION: NonNullable<GradePolicy['calculation']> = { method: 'decaying_average', weight: 65, n: 3 };

/** Mastery cut of the roll-up, in points out of 5 (a P(mastery) of 0.6). */
export const ROLLUP_MASTERY_POINTS = 3;

/**
 * The policy as it is saved: at least one kind of grade column, points possible 1–1000, and for 'aggregation' a
 * calculation within Canvas's ranges (the default when none was given); other policies keep no calculation.
 * Throws ValidationFailed (ERR_VALIDATION) with the fields at fault.
 */
export function validateGradePolicy(policy: GradePolicy): GradePolicy {
  if (!policy.perObjective && !policy.perActivity) {
    throw new ValidationFailed('Choose at least one kind of grade column.', [{ path: 'layout', message: 'Pick objectives, activities or both.', said: msg('errors.gradePolicy.layoutHint') }], msg('errors.gradePolicy.layout'));
  }
  if (!(Number.isFinite(policy.scoreMaximum) && policy.scoreMaximum >= 1 && policy.scoreMaximum <= 1000)) {
    throw new ValidationFailed('Points possible must be between 1 and 1000.', [{ path: 'scoreMaximum', message: 'Between 1 and 1000.', said: msg('instructor.grades.pointsRule') }], msg('instructor.grades.pointsRule'));
  }
  if (policy.policy !== 'aggregation') return { ...policy, calculation: null };
  const calculation = policy.calculation ?? DEFAULT_CALCULATION;
  validateCalculationSettings({ ...calculation, masteryPoints: ROLLUP_MASTERY_POINTS });
  return { ...policy, calculation };
}
