/**
 * Presenters of the instructor dashboard and student pages (views/instructor/dashboard.ejs, student.ejs):
 * every state is text plus an icon, never colour alone.
 */
import type { ObjectiveState } from '../../domain/mastery.js';
import type { AttentionReason, InstructorDashboard, StudentDetail } from '../../services/instructorDashboard.js';

/** A state as the instructor pages show it. */
export interface StateLabel {
  label: string;
  icon: string;
  tone: 'locked' | 'ready' | 'active' | 'done' | 'warn';
}

const STATES: Record<ObjectiveState, StateLabel> = {
  locked: { label: 'Locked', icon: '🔒', tone: 'locked' },
  available: { label: 'Not started', icon: '○', tone: 'ready' },
  practising: { label: 'Practising', icon: '◔', tone: 'active' },
  checking: { label: 'Mastery check', icon: '◑', tone: 'active' },
  reteaching: { label: 'Reteaching', icon: '↺', tone: 'warn' },
  mastered: { label: 'Mastered', icon: '✓', tone: 'done' },
  not_mastered: { label: 'Stuck', icon: '⚠', tone: 'warn' },
  needs_review: { label: 'Needs review', icon: '!', tone: 'warn' },
};

/** The label of a state. */
export const stateLabel = (s: ObjectiveState): StateLabel => STATES[s];

const REASONS: Record<AttentionReason, string> = {
  stuck: 'Stuck',
  wheel_spinning: 'Wheel-spinning',
  inactive: 'Falling behind (inactive)',
  behind_median: 'Falling behind (objectives)',
};

const pct = (p: number) => `${Math.round(p * 100)}%`;
const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');
/** Link to a student's page. */
export const studentHref = (userId: string) => `/instructor/students/${encodeURIComponent(userId)}`;

/** What views/instructor/dashboard.ejs renders. */
export interface DashboardView {
  courseTitle: string;
  thresholdPercent: string;
  objectives: { id: string; title: string; mastered: number; practising: number; stuck: number; notStarted: number; model: string }[];
  rows: {
    name: string;
    /** The student page, or null for a roster learner who never opened Masterly (nothing to show yet). */
    href: string | null;
    /** "Not started", "Inactive in the LMS", both, or null. */
    status: string | null;
    mastered: number;
    lastActivity: string;
    cells: { label: string; icon: string; tone: string; percent: string }[];
  }[];
  attention: { name: string; href: string; reason: string; objective: string | null; explanation: string; detail: string }[];
  modelNote: string;
  rulesNote: string;
  studentCount: number;
}

/** Shapes the dashboard. */
export function presentDashboard(d: InstructorDashboard): DashboardView {
  const fitted = d.objectives.filter((o) => o.fitted !== null).length;
  return {
    courseTitle: d.course.title,
    thresholdPercent: pct(d.course.threshold),
    objectives: d.objectives.map((o) => ({
      id: o.id,
      title: o.title,
      ...o.counts,
      model: o.fitted
        ? `Fitted ${when(o.fitted.at)}: start ${pct(o.fitted.params.prior)}, learn ${pct(o.fitted.params.learn)}, guess ${pct(o.fitted.params.guess)}, slip ${pct(o.fitted.params.slip)}`
        : 'Default parameters',
    })),
    rows: d.students.map((s) => ({
      name: s.name,
      href: s.started && s.userId !== null ? studentHref(s.userId) : null,
      status: [s.started ? null : 'Not started', s.rosterStatus === 'inactive' || s.rosterStatus === 'deleted' ? 'Inactive in the LMS' : null].filter(Boolean).join('; ') || null,
      mastered: s.mastered,
      lastActivity: when(s.lastActivityAt),
      cells: s.cells.map((c) => {
        const l = stateLabel(c.state);
        return { label: l.label, icon: l.icon, tone: l.tone, percent: pct(c.p) };
      }),
    })),
    attention: d.attention.map((a) => ({
      name: a.name,
      href: studentHref(a.userId),
      reason: REASONS[a.reason],
      objective: a.objectiveTitle,
      explanation: a.explanation,
      detail: a.detail,
    })),
    modelNote:
      fitted === 0
        ? 'All objectives use the default learning-model parameters. Once an objective has answers from at least 100 students (5 or more each), its parameters are fitted from this course’s data in the background.'
        : `${fitted} of ${d.objectives.length} objectives use parameters fitted from this course’s answers. Fitted parameters apply to new answers only: students’ current progress is kept as it was.`,
    rulesNote: `Stuck: reached the try or check limit without mastery. Wheel-spinning: ${d.rules.wheelSpinOpportunities} or more tries without mastery. Falling behind: no answers for ${d.rules.inactiveDays} days while classmates practised, or ${d.rules.behindMedian} or more objectives behind the class median (${d.medianMastered} mastered).`,
    studentCount: d.students.length,
  };
}

/** A form error shown next to its field. */
export interface FieldError {
  field: string;
  message: string;
}

/** What views/instructor/student.ejs renders. */
export interface StudentView {
  courseTitle: string;
  name: string;
  userId: string;
  lastActivity: string;
  thresholdPercent: string;
  objectives: {
    id: string;
    title: string;
    label: string;
    icon: string;
    tone: string;
    percent: string;
    thresholdPercent: string;
    responses: number;
    opportunities: number;
    cycles: number;
    grade: string;
    why: string | null;
    overridden: boolean;
    canUnlock: boolean;
    canReset: boolean;
  }[];
  history: { when: string; objective: string; message: string }[];
  accommodations: { thresholdOffset: string; extraCycles: string; extraOpportunities: string; timeMultiplier: string };
  errors: FieldError[];
  errorOf: Record<string, string>;
  csrf: string;
  notice: string | null;
  actionBase: string;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));

/** Shapes a student's page; `form` re-fills the accommodations form after a validation error. */
export function presentStudent(d: StudentDetail, csrf: string, notice: string | null, errors: FieldError[] = [], form?: Record<string, string>): StudentView {
  const a = d.accommodations;
  return {
    courseTitle: d.course.title,
    name: d.student.name,
    userId: d.student.userId,
    lastActivity: when(d.student.lastActivityAt),
    thresholdPercent: pct(d.course.threshold),
    objectives: d.objectives.map((o) => {
      const l = stateLabel(o.state);
      return {
        id: o.objectiveId,
        title: o.title,
        label: l.label,
        icon: l.icon,
        tone: l.tone,
        percent: pct(o.p),
        thresholdPercent: pct(o.threshold),
        responses: o.responses,
        opportunities: o.opportunities,
        cycles: o.cycles,
        grade: o.grade === null ? '—' : `${fmt(o.grade)} / ${o.gradeMaximum}`,
        why: o.why,
        overridden: o.overridden,
        canUnlock: o.canUnlock,
        canReset: o.canReset,
      };
    }),
    history: d.history.map((h) => ({ when: when(h.at), objective: h.objectiveTitle, message: h.message })),
    accommodations: {
      thresholdOffset: form?.thresholdOffset ?? fmt(a.thresholdOffset),
      extraCycles: form?.extraCycles ?? String(a.extraCycles),
      extraOpportunities: form?.extraOpportunities ?? String(a.extraOpportunities),
      timeMultiplier: form?.timeMultiplier ?? fmt(a.timeMultiplier),
    },
    errors,
    errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
    csrf,
    notice,
    actionBase: studentHref(d.student.userId),
  };
}
