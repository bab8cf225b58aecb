/**
 * Pure mastery → score mapping for the gradebook (fraction mastered, P(mastery) scaled, Canvas-parity
 * roll-up), and the comment that explains the grade to the student.
 */
import { aggregateScores } from '../domain/aggregation.js';
import { DEFAULT_CALCULATION, ROLLUP_MASTERY_POINTS } from '../domain/gradePolicy.js';
import { translator, type Translate } from '../i18n/index.js';
import type { GradePolicy, ObjectiveStanding, WantedScore } from './servicePorts.js';

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const pct = (p: number) => `${Math.round(p * 100)}%`;

/** Rolls one standing up to a 0..1 value under the policy. */
export function standingValue(policy: GradePolicy, s: ObjectiveStanding): number {
  if (policy.policy === 'fraction_mastered') return s.state === 'mastered' ? 1 : 0;
  if (policy.policy === 'p_mastery') return Math.max(0, Math.min(1, s.p));
  const calc = policy.calculation ?? DEFAULT_CALCULATION;
  const scores = (s.history.length ? s.history : [s.p]).map((p) => p * 5);
  const v = aggregateScores(scores, { method: calc.method, weight: calc.weight, n: calc.n, masteryPoints: ROLLUP_MASTERY_POINTS });
  return v === null ? 0 : Math.max(0, Math.min(1, v / 5));
}

/**
 * The score for a line item covering `objectiveIds` (one for an objective line item), with its comment.
 * Objectives the learner has not touched count as not mastered / P = 0. The comment comes from the message catalogue
 * (English: the gradebook is shared by everyone in the course).
 */
export function scoreFor(
  policy: GradePolicy,
  itemKey: string,
  objectiveIds: readonly string[],
  standings: readonly ObjectiveStanding[],
  eventAt: number,
  t: Translate = translator(),
): WantedScore {
  const byId = new Map(standings.map((s) => [s.objectiveId, s]));
  const values = objectiveIds.map((id) => {
    const s = byId.get(id);
    return s ? standingValue(policy, s) : 0;
  });
  const value = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  const mastered = objectiveIds.filter((id) => byId.get(id)?.state === 'mastered');
  const allMastered = objectiveIds.length > 0 && mastered.length === objectiveIds.length;
  let comment: string;
  if (objectiveIds.length === 1) {
    const s = byId.get(objectiveIds[0] as string);
    const title = s?.title ?? t('grades.thisObjective');
    comment =
      s?.state === 'mastered'
        ? t('grades.objectiveMastered', { title, p: pct(s.p) })
        : t('grades.objectiveNotMastered', { title, p: pct(s?.p ?? 0), state: s?.state ?? t('grades.notStarted') });
  } else {
    const names = mastered.map((id) => byId.get(id)?.title ?? id);
    comment = t(names.length ? 'grades.someMastered' : 'grades.noneMastered', { mastered: mastered.length, total: objectiveIds.length, names: names.join(', ') });
  }
  if (policy.policy === 'p_mastery') comment += ` ${t('grades.byPMastery')}`;
  else if (policy.policy === 'aggregation') comment += ` ${t('grades.byAggregation', { method: policy.calculation?.method ?? 'decaying_average' })}`;
  return {
    itemKey,
    scoreGiven: round4(value * policy.scoreMaximum),
    scoreMaximum: policy.scoreMaximum,
    activityProgress: allMastered ? 'Completed' : 'InProgress',
    gradingProgress: 'FullyGraded',
    comment,
    eventAt,
  };
}

/** Line item keys. */
export const objectiveKey = (objectiveId: string) => `objective:${objectiveId}`;
export const activityKey = (activityId: string) => `activity:${activityId}`;
