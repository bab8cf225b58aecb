/**
 * How a context turns mastery into grades: the policy an instructor picks, and the default when they never did.
 */
import { validateCalculationSettings, type CalculationMethod } from './aggregation.js';
import { ValidationFailed } from './errors.js';
import { msg } from './message.js';

/** How mastery becomes a grade: fraction of objectives mastered, P(mastery) scaled, or a Canvas-parity roll-up. */
export type GradePolicyKind = 'fraction_mastered' | 'p_mastery' | 'aggregation';

/**
 * What a placement's (activity's) column holds: the percentage of its objectives mastered (a grade as soon as one is
 * mastered), the mean P(mastery) of its objectives, or its objectives' grade under the objective policy (for a
 * placement of one objective: that objective's grade). The last two are final once every objective is.
 */
export type ActivityGradeKind = 'percent_mastered' | 'mean_mastery' | 'objective_grade';

/** A context's grade policy and gradebook layout. */
export interface GradePolicy {
  contextId: string;
  policy: GradePolicyKind;
  /** Canvas calculation method when policy = 'aggregation' (scores are P(mastery) × 5 over time). */
  calculation: { method: CalculationMethod; weight: number; n: number } | null;
  /** One tool-managed line item per objective (an instructor's opt-in; never for an objective a placement carries). */
  perObjective: boolean;
  /** One line item per placement (resource link: deep-linked or added by hand), the LMS's own column. */
  perActivity: boolean;
  /** What a placement's column holds. */
  activityGrade: ActivityGradeKind;
  scoreMaximum: number;
  /** When the instructor finalised the grades: every started column is then final (null/absent: not finalised). */
  finalisedAt?: number | null;
  /** Language of the grade comments sent to the LMS (a course setting, e.g. 'es'); English when unset. */
  language?: string;
}

/**
 * Default policy (docs/decisions/0014-placement-columns.md): one counted column per placement holding the percentage
 * of its objectives mastered; objectives graded 0 or full marks; no per-objective columns; out of 100.
 */
export const defaultPolicy = (contextId: string): GradePolicy => ({
  contextId,
  policy: 'fraction_mastered',
  calculation: null,
  perObjective: false,
  perActivity: true,
  activityGrade: 'percent_mastered',
  scoreMaximum: 100,
});

/** The activity grades an instructor can choose. */
export const ACTIVITY_GRADES: readonly ActivityGradeKind[] = ['percent_mastered', 'mean_mastery', 'objective_grade'];

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
