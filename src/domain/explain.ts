/**
 * Explanation records: every state change says which rule fired on which evidence, with a plain
 * English message for the student and instructor pages ("Unlocked because you mastered …").
 */
import type { ObjectiveState } from './mastery.js';

/** What happened. */
export type ExplanationKind =
  | 'unlocked'
  | 'practising'
  | 'checking'
  | 'mastered'
  | 'reteaching'
  | 'rechecking'
  | 'stuck'
  | 'reopened'
  | 'remedial'
  | 'enrichment_unlocked'
  | 'retention_passed'
  | 'grade_locked'
  | 'reset';

/** The rule that fired (stable identifiers for filtering and analytics). */
export type ExplanationRule =
  | 'no_prerequisites'
  | 'prerequisites_mastered'
  | 'instructor_override'
  | 'release_date'
  | 'first_response'
  | 'mastery_rule_met'
  | 'check_passed'
  | 'check_failed'
  | 'struggling'
  | 'wheel_spinning'
  | 'cycle_cap'
  | 'retention_miss'
  | 'probability_below_threshold'
  | 'weak_prerequisite'
  | 'retention_correct'
  | 'due_date'
  | 'instructor_reset';

/** The evidence behind a decision; only the fields that apply are set. */
export interface Evidence {
  readonly pBefore?: number;
  readonly pAfter?: number;
  readonly threshold?: number;
  /** Responses on the objective so far. */
  readonly responses?: number;
  readonly lastCorrect?: boolean | null;
  readonly itemIds?: readonly string[];
  readonly checkCorrect?: number;
  readonly checkLength?: number;
  /** Wrong answers in a row (struggle). */
  readonly wrongInARow?: number;
  readonly cycles?: number;
  readonly opportunities?: number;
  readonly cap?: number;
  readonly prerequisites?: readonly { id: string; title: string; p: number; responses: number; state: ObjectiveState }[];
  readonly releaseDate?: number;
  readonly grade?: number | null;
  readonly nextRetentionAt?: number | null;
  readonly weakPrerequisiteId?: string;
}

/** One explanation: who, what, when, why. `at` is the time of the event that caused it (epoch ms). */
export interface Explanation {
  readonly studentId: string;
  readonly objectiveId: string;
  readonly at: number;
  /** The event that caused it (idempotency key of the response or instructor action). */
  readonly eventId: string;
  readonly kind: ExplanationKind;
  readonly rule: ExplanationRule;
  readonly from: ObjectiveState | null;
  readonly to: ObjectiveState | null;
  readonly evidence: Evidence;
  readonly message: string;
}

/** Formats a probability as students see it: 2 decimals ("0.96"). */
export const fmtP = (p: number): string => p.toFixed(2);
const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`;
const days = (ms: number) => Math.round(ms / 86_400_000);

/** Builds the plain-English message for an explanation; `title` is the objective's title. */
export function explanationMessage(kind: ExplanationKind, rule: ExplanationRule, title: string, e: Evidence, at = 0): string {
  const theta = e.threshold ?? 0;
  switch (kind) {
    case 'unlocked':
      if (rule === 'no_prerequisites') return `${title} is open from the start: it has no prerequisites.`;
      if (rule === 'instructor_override') return `${title} was unlocked by your instructor.`;
      if (rule === 'release_date') return `${title} unlocked because its release date passed.`;
      return `Unlocked because you ${(e.prerequisites ?? [])
        .map((p) =>
          p.state === 'mastered'
            ? `mastered ${p.title} (P=${fmtP(p.p)} ≥ ${fmtP(theta)} over ${items(p.responses)})`
            : `moved on from ${p.title} (not mastered)`,
        )
        .join(' and ')}.`;
    case 'practising':
      return `You started practising ${title}.`;
    case 'checking':
      return `Mastery check on ${title}: ${items(e.checkLength ?? 0)} to confirm it; you are ready (P=${fmtP(e.pAfter ?? 0)} after ${items(e.responses ?? 0)}, last answer right).`;
    case 'rechecking':
      return `Re-check on ${title}: ${items(e.checkLength ?? 0)} with fresh questions (P=${fmtP(e.pAfter ?? 0)}, last answer right).`;
    case 'mastered':
      return rule === 'mastery_rule_met'
        ? `${title} mastered again (P=${fmtP(e.pAfter ?? 0)} ≥ ${fmtP(theta)}, last answer right).`
        : `Mastered ${title}: ${e.checkCorrect ?? 0}/${e.checkLength ?? 0} on the check, P=${fmtP(e.pAfter ?? 0)} ≥ ${fmtP(theta)} over ${items(e.responses ?? 0)}.`;
    case 'reteaching': {
      if (rule === 'struggling') return `Let's go over ${title} again: ${e.wrongInARow ?? 0} answers in a row were wrong. Read the explanation, then try a few guided questions.`;
      if (rule === 'wheel_spinning') return `${title} is taking many tries (${e.opportunities ?? 0}): here is help — a fresh explanation and guided questions. Your instructor has been told, so you can also ask them.`;
      const why: string[] = [];
      if ((e.pAfter ?? 0) < theta) why.push(`P=${fmtP(e.pAfter ?? 0)} < ${fmtP(theta)}`);
      if (e.lastCorrect === false) why.push('the last answer was wrong');
      return `Reteaching ${title} because the mastery check was not passed (${e.checkCorrect ?? 0}/${e.checkLength ?? 0} right; ${why.join(', ') || 'rule not met'}).`;
    }
    case 'stuck':
      return `${title} not mastered after ${e.cycles ?? 0} check cycles (limit ${e.cap ?? 0}): flagged for your instructor; you may move on.`;
    case 'reopened':
      return rule === 'retention_miss'
        ? `${title} needs review: a retention question was missed (P=${fmtP(e.pAfter ?? 0)}).`
        : `${title} needs review: P fell to ${fmtP(e.pAfter ?? 0)} < ${fmtP(theta)}.`;
    case 'remedial':
      return `Review ${e.prerequisites?.[0]?.title ?? 'a prerequisite'} first: ${title} builds on it and it needs review.`;
    case 'enrichment_unlocked':
      return `Enrichment for ${title} unlocked because you mastered it.`;
    case 'retention_passed':
      return e.nextRetentionAt == null
        ? `Retention question on ${title} right: no more reviews scheduled.`
        : `Retention question on ${title} right: next review in ${days(e.nextRetentionAt - at)} days.`;
    case 'grade_locked':
      return `Grade for ${title} locked at ${e.grade ?? '—'} by the due date; later reviews cannot lower it.`;
    case 'reset':
      return `${title} was reset by your instructor.`;
  }
}
