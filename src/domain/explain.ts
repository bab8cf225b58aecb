/**
 * Explanation records: every state change says which rule fired on which evidence, with a message for the
 * student and instructor pages ("Unlocked because you mastered …"), translated there from the catalogue.
 */
import type { ObjectiveState } from './mastery.js';
import { msg, type Message, type MessageOrText, type MessageVar } from './message.js';

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
  | 'falling'
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
  /** The check's time ran out before it was finished (ADR 0023). */
  readonly expired?: boolean;
  /** Wrong answers in a row (struggle). */
  readonly wrongInARow?: number;
  /** Highest P(mastery) in this practice, before the fall (falling estimate). */
  readonly peak?: number;
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
  /** What it says (a catalogue message; plain English text in rows stored before messages were structured). */
  readonly message: MessageOrText;
}

const days = (ms: number) => Math.round(ms / 86_400_000);
const E = (key: string, vars: Record<string, MessageVar>): Message => msg(`explain.${key}`, vars);

/**
 * The message for an explanation (catalogue keys `explain.*`; translated on the page); `title` is the objective's
 * title. Probabilities are numbers, formatted per locale by the catalogue.
 */
export function explanationMessage(kind: ExplanationKind, rule: ExplanationRule, title: string, e: Evidence, at = 0): Message {
  const threshold = e.threshold ?? 0;
  const p = e.pAfter ?? 0;
  switch (kind) {
    case 'unlocked':
      if (rule === 'no_prerequisites') return E('openFromStart', { title });
      if (rule === 'instructor_override') return E('unlockedByInstructor', { title });
      if (rule === 'release_date') return E('unlockedByDate', { title });
      return E('unlockedBecause', {
        reasons: (e.prerequisites ?? []).map((q) =>
          q.state === 'mastered' ? E('prerequisiteMastered', { title: q.title, p: q.p, threshold, count: q.responses }) : E('prerequisiteMovedOn', { title: q.title }),
        ),
      });
    case 'practising':
      return E('practising', { title });
    case 'checking':
      return E('checking', { title, checkItems: E('itemCount', { count: e.checkLength ?? 0 }), p, count: e.responses ?? 0 });
    case 'rechecking':
      return E('rechecking', { title, checkItems: E('itemCount', { count: e.checkLength ?? 0 }), p });
    case 'mastered':
      return rule === 'mastery_rule_met'
        ? E('masteredAgain', { title, p, threshold })
        : E('mastered', { title, correct: e.checkCorrect ?? 0, length: e.checkLength ?? 0, p, threshold, count: e.responses ?? 0 });
    case 'reteaching': {
      if (rule === 'struggling') return E('struggling', { title, count: e.wrongInARow ?? 0 });
      if (rule === 'falling') return E('falling', { title });
      if (rule === 'wheel_spinning') return E('wheelSpinning', { title, count: e.opportunities ?? 0 });
      const why: Message[] = [];
      if (e.expired) why.push(msg('timed.timeRanOut', {}));
      else if (p < threshold) why.push(E('belowThreshold', { p, threshold }));
      if (e.lastCorrect === false) why.push(E('lastWrong', {}));
      if (why.length === 0) why.push(E('ruleNotMet', {}));
      return E('reteaching', { title, correct: e.checkCorrect ?? 0, length: e.checkLength ?? 0, why });
    }
    case 'stuck':
      return E('stuckCycles', { title, cycles: e.cycles ?? 0, cap: e.cap ?? 0 });
    case 'reopened':
      return rule === 'retention_miss' ? E('reopenedRetention', { title, p }) : E('reopenedBelow', { title, p, threshold });
    case 'remedial': {
      const first = e.prerequisites?.[0]?.title;
      return E('remedial', { title, prerequisite: first ?? E('aPrerequisite', {}) });
    }
    case 'enrichment_unlocked':
      return E('enrichment', { title });
    case 'retention_passed':
      return e.nextRetentionAt == null ? E('retentionLast', { title }) : E('retentionNext', { title, count: days(e.nextRetentionAt - at) });
    case 'grade_locked':
      return e.grade == null ? E('gradeLockedNone', { title }) : E('gradeLocked', { title, grade: e.grade });
    case 'reset':
      return E('reset', { title });
  }
}
