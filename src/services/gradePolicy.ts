/**
 * What the gradebook receives for a learner's standing (docs/decisions/0012-grade-semantics.md): nothing before the
 * learner starts; progress with no grade (`Pending`, no `scoreGiven`) while they work; a `FullyGraded` score once
 * the grade is final under the policy (mastered, the objective's grade due date passed, or the instructor finalised). The value comes from the policy (fraction mastered, P(mastery)
 * scaled, Canvas-parity roll-up) and the comment says in plain words where the learner stands.
 */
import { aggregateScores } from '../domain/aggregation.js';
import { DEFAULT_CALCULATION, ROLLUP_MASTERY_POINTS } from '../domain/gradePolicy.js';
import { translator, type Translate } from '../i18n/index.js';
import { formatDate } from '../i18n/format.js';
import type { GradePolicy, ObjectiveStanding, WantedScore } from './servicePorts.js';

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Where a standing is for the gradebook: not started (nothing to post), in progress (no grade yet), final. */
export type GradePhase = 'not_started' | 'in_progress' | 'final';

/**
 * The gradebook phase of a learner's state (state names from src/domain/mastery.ts; unknown states are in progress).
 * `masteredAt`: when the objective was mastered before, if it was. Reopening never lowers the gradebook: after
 * mastery, a review (needs_review, a re-check, reteach) keeps the earned grade final; only a reset clears it.
 */
export function gradePhase(state: string | undefined, masteredAt?: number | null): GradePhase {
  if (state === undefined || state === 'locked' || state === 'available') return 'not_started';
  if (state === 'mastered' || state === 'needs_review') return 'final';
  if (masteredAt !== null && masteredAt !== undefined) return 'final';
  return 'in_progress';
}

/** The phase of one standing (its state and earlier mastery). */
const phaseOf = (s: ObjectiveStanding | undefined): GradePhase => gradePhase(s?.state, s?.masteredAt);

/** Rolls one standing up to a 0..1 value under the policy. */
export function standingValue(policy: GradePolicy, s: ObjectiveStanding): number {
  if (policy.policy === 'fraction_mastered') return phaseOf(s) === 'final' ? 1 : 0;
  if (policy.policy === 'p_mastery') return Math.max(0, Math.min(1, s.p));
  const calc = policy.calculation ?? DEFAULT_CALCULATION;
  const scores = (s.history.length ? s.history : [s.p]).map((p) => p * 5);
  const v = aggregateScores(scores, { method: calc.method, weight: calc.weight, n: calc.n, masteryPoints: ROLLUP_MASTERY_POINTS });
  return v === null ? 0 : Math.max(0, Math.min(1, v / 5));
}

/** "3 Dec 2026", "3 dic 2026" in Spanish (UTC: the gradebook is shared by everyone in the course). */
export const gradeDate = (ms: number, lang = 'en'): string => formatDate({ lang, timeZone: 'UTC' }, ms);

/** The comment of one objective's score: where the learner stands, in plain words. */
function objectiveComment(s: ObjectiveStanding | undefined, t: Translate): string {
  const title = s?.title ?? t('grades.thisObjective');
  if (!s || s.state === 'locked' || s.state === 'available') return t('grades.notStarted', { title });
  if (s.state === 'mastered') return t('grades.mastered', { title, date: gradeDate(s.masteredAt ?? s.occurredAt, t.lang) });
  // Reviewing an objective mastered before (needs_review, or its re-check and reteach): the earned grade stays.
  if (s.state === 'needs_review' || (s.masteredAt !== null && s.masteredAt !== undefined)) return t('grades.reviewing', { title, date: gradeDate(s.masteredAt ?? s.occurredAt, t.lang) });
  if (s.state === 'checking') return t('grades.checking', { title });
  if (s.state === 'reteaching') return t('grades.reteaching', { title });
  if (s.state === 'not_mastered') return t('grades.stuck', { title });
  return t('grades.practising', { title });
}

/** The line saying how a policy computes the grade (comments, the instructor's pages). */
export function policyLine(policy: GradePolicy, t: Translate = translator()): string {
  if (policy.policy === 'p_mastery') return t('grades.byPMastery');
  if (policy.policy === 'aggregation') return t('grades.byAggregation', { method: t(`grades.method.${policy.calculation?.method ?? DEFAULT_CALCULATION.method}`) });
  return t('grades.byFractionMastered');
}

/**
 * The score for a line item covering `objectiveIds` (one for an objective line item), with its comment, or the
 * "not started" progress (`Initialized`, `NotReady`) that the outbox only sends to empty a column it wrote before
 * (a reset). `scoreGiven` is the policy's value; it is sent only with `FullyGraded` (src/services/drainOutbox.ts).
 * The comment comes from the message catalogue in the course's language (`policy.language`: one setting for the
 * course, since student and instructor read the same comment in the shared gradebook); English when unset.
 * `closedByDue`: the objectives whose grade due date has passed. A started column is final, with the policy's current
 * value, once each objective it covers is final or closed (its due date passed, or the instructor finalised grades);
 * a column nobody started stays empty (no zero for work not done).
 */
export function scoreFor(
  policy: GradePolicy,
  itemKey: string,
  objectiveIds: readonly string[],
  standings: readonly ObjectiveStanding[],
  eventAt: number,
  t: Translate = translator(policy.language),
  closedByDue: ReadonlySet<string> = new Set(),
): WantedScore {
  const byId = new Map(standings.map((s) => [s.objectiveId, s]));
  // The instructor's activity grade applies to placements of several objectives; a placement of one carries its grade.
  const activity = itemKey.startsWith('activity:') && objectiveIds.length > 1 ? policy.activityGrade : undefined;
  const values = objectiveIds.map((id) => {
    const s = byId.get(id);
    if (!s) return 0;
    if (activity === 'percent_mastered') return phaseOf(s) === 'final' ? 1 : 0;
    if (activity === 'mean_mastery') return Math.max(0, Math.min(1, s.p));
    return standingValue(policy, s);
  });
  const value = values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  const phases = objectiveIds.map((id) => phaseOf(byId.get(id)));
  // "Percent mastered" is a grade as soon as one objective is mastered (never a zero: it only counts mastery);
  // otherwise a column is final once every objective it covers is.
  const finalWhen = activity === 'percent_mastered' ? phases.some((p) => p === 'final') : phases.length > 0 && phases.every((p) => p === 'final');
  const finalised = policy.finalisedAt !== null && policy.finalisedAt !== undefined;
  const started = phases.some((p) => p !== 'not_started');
  // Closed: the grade is final now although not mastered (the due date passed, or the instructor finalised).
  const closed = !finalWhen && started && objectiveIds.every((id, i) => phases[i] === 'final' || finalised || closedByDue.has(id));
  const phase: GradePhase = finalWhen || closed ? 'final' : started ? 'in_progress' : 'not_started';
  let comment: string;
  if (objectiveIds.length === 1) {
    comment = objectiveComment(byId.get(objectiveIds[0] as string), t);
  } else {
    const mastered = objectiveIds.filter((id) => phaseOf(byId.get(id)) === 'final');
    const names = mastered.map((id) => byId.get(id)?.title ?? id);
    comment = t(names.length ? 'grades.someMastered' : 'grades.noneMastered', { mastered: mastered.length, total: objectiveIds.length, names: names.join(', ') });
  }
  if (closed) comment += ` ${t(finalised ? 'finalGrades.byInstructor' : 'finalGrades.byDueDate')}`;
  if (phase === 'final' && activity && activity !== 'objective_grade') comment += ` ${t(`placements.by.${activity}`)}`;
  else if (phase === 'final' && policy.policy !== 'fraction_mastered') comment += ` ${policyLine(policy, t)}`;
  else if (phase === 'in_progress') comment += ` ${t(activity === 'percent_mastered' ? 'placements.noneYet' : 'grades.noGradeYet')}`;
  return {
    itemKey,
    scoreGiven: round4(value * policy.scoreMaximum),
    scoreMaximum: policy.scoreMaximum,
    activityProgress: phase === 'final' ? 'Completed' : phase === 'in_progress' ? 'InProgress' : 'Initialized',
    gradingProgress: phase === 'final' ? 'FullyGraded' : phase === 'in_progress' ? 'Pending' : 'NotReady',
    comment,
    eventAt,
  };
}

/** Line item keys. */
export const objectiveKey = (objectiveId: string) => `objective:${objectiveId}`;
export const activityKey = (activityId: string) => `activity:${activityId}`;
