/**
 * Presenters of the instructor dashboard and student pages (views/instructor/dashboard.ejs, student.ejs):
 * every state is text plus an icon, never colour alone.
 */
import type { ObjectiveState } from '../../domain/mastery.js';
import type { InstructorDashboard, StudentDetail } from '../../services/instructorDashboard.js';
import { render, type Translate } from '../../i18n/index.js';

/** A state as the instructor pages show it. */
export interface StateLabel {
  label: string;
  icon: string;
  tone: 'locked' | 'ready' | 'active' | 'done' | 'warn';
}

const STATES: Record<ObjectiveState, Omit<StateLabel, 'label'>> = {
  locked: { icon: '🔒', tone: 'locked' },
  available: { icon: '○', tone: 'ready' },
  practising: { icon: '◔', tone: 'active' },
  checking: { icon: '◑', tone: 'active' },
  reteaching: { icon: '↺', tone: 'warn' },
  mastered: { icon: '✓', tone: 'done' },
  not_mastered: { icon: '⚠', tone: 'warn' },
  needs_review: { icon: '!', tone: 'warn' },
};

/** The label of a state. */
export const stateLabel = (s: ObjectiveState, t: Translate): StateLabel => ({ ...STATES[s], label: t(`instructor.state.${s}`) });

/** A probability as a whole percentage, written as the reader's locale writes it ("97%", "97 %"). */
const pct = (t: Translate, p: number) => new Intl.NumberFormat(t.lang, { style: 'percent', maximumFractionDigits: 0 }).format(p);
/** A time as the instructor pages show it (UTC, to the minute, in the reader's locale). */
export const when = (t: Translate, ms: number | null): string => (ms === null ? t('instructor.never') : t('instructor.utc', { time: ms }));
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
export function presentDashboard(d: InstructorDashboard, t: Translate): DashboardView {
  const fitted = d.objectives.filter((o) => o.fitted !== null).length;
  return {
    courseTitle: d.course.title,
    thresholdPercent: pct(t, d.course.threshold),
    objectives: d.objectives.map((o) => ({
      id: o.id,
      title: o.title,
      ...o.counts,
      model: o.fitted
        ? t('instructor.dashboard.fitted', {
            when: when(t, o.fitted.at),
            prior: pct(t, o.fitted.params.prior),
            learn: pct(t, o.fitted.params.learn),
            guess: pct(t, o.fitted.params.guess),
            slip: pct(t, o.fitted.params.slip),
          })
        : t('instructor.dashboard.defaultModel'),
    })),
    rows: d.students.map((s) => ({
      name: s.name,
      href: s.started && s.userId !== null ? studentHref(s.userId) : null,
      status:
        [s.started ? null : t('instructor.dashboard.notStarted'), s.rosterStatus === 'inactive' || s.rosterStatus === 'deleted' ? t('instructor.dashboard.inactiveInLms') : null]
          .filter(Boolean)
          .join('; ') || null,
      mastered: s.mastered,
      lastActivity: when(t, s.lastActivityAt),
      cells: s.cells.map((c) => {
        const l = stateLabel(c.state, t);
        return { label: l.label, icon: l.icon, tone: l.tone, percent: pct(t, c.p) };
      }),
    })),
    attention: d.attention.map((a) => ({
      name: a.name,
      href: studentHref(a.userId),
      reason: t(`instructor.reason.${a.reason}`),
      objective: a.objectiveTitle,
      explanation: render(t, a.explanation),
      detail: render(t, a.detail),
    })),
    modelNote:
      fitted === 0 ? t('instructor.dashboard.modelDefault') : t('instructor.dashboard.modelFitted', { fitted, total: d.objectives.length }),
    rulesNote: t('instructor.dashboard.rules', {
      wheel: d.rules.wheelSpinOpportunities,
      days: d.rules.inactiveDays,
      behind: d.rules.behindMedian,
      median: d.medianMastered,
    }),
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
  /** How the grades are computed ('' when they are not the LMS's). */
  gradeHow: string;
  /** Each activity's column in the LMS. */
  activityGrades: { title: string; grade: string; comment: string }[];
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
export function presentStudent(
  d: StudentDetail,
  csrf: string,
  notice: string | null,
  t: Translate,
  errors: FieldError[] = [],
  form?: Record<string, string>,
): StudentView {
  const a = d.accommodations;
  return {
    courseTitle: d.course.title,
    name: d.student.name,
    userId: d.student.userId,
    lastActivity: when(t, d.student.lastActivityAt),
    thresholdPercent: pct(t, d.course.threshold),
    objectives: d.objectives.map((o) => {
      const l = stateLabel(o.state, t);
      return {
        id: o.objectiveId,
        title: o.title,
        label: l.label,
        icon: l.icon,
        tone: l.tone,
        percent: pct(t, o.p),
        thresholdPercent: pct(t, o.threshold),
        responses: o.responses,
        opportunities: o.opportunities,
        cycles: o.cycles,
        grade: o.grade === null ? '—' : `${fmt(o.grade)} / ${o.gradeMaximum}`,
        why: o.why === null ? null : render(t, o.why),
        overridden: o.overridden,
        canUnlock: o.canUnlock,
        canReset: o.canReset,
      };
    }),
    history: d.history.map((h) => ({ when: when(t, h.at), objective: h.objectiveTitle, message: render(t, h.message) })),
    gradeHow: d.gradeHow ?? '',
    activityGrades: (d.activityGrades ?? []).map((a) => ({ title: a.title, grade: a.score === null ? '—' : `${fmt(a.score)} / ${fmt(a.maximum)}`, comment: a.comment })),
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
