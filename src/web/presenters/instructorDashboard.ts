/**
 * Presenters of the instructor dashboard and student pages (views/instructor/dashboard.ejs, student.ejs):
 * every state is text plus an icon, never colour alone.
 */
import type { ObjectiveState } from '../../domain/mastery.js';
import { effectiveTimeLimit } from '../../domain/release.js';
import { PROGRESS_LEVELS, type InstructorDashboard, type ProgressLevel, type RosterMemberDetail, type StudentDetail } from '../../services/instructorDashboard.js';
import { render, type Translate } from '../../i18n/index.js';
import { classProgressSvg, levelTimelineSvg, type LevelWords } from '../charts.js';
import { graphSvg, levelsOf } from './authoring.js';
import { formatDateTime, formatPercent } from '../../i18n/format.js';
import { BADGES, type Badge } from './student.js';

/** A state as the instructor pages show it: label, symbol and tone, as a student's badge. */
export type StateLabel = Badge;

/** The students' symbols, except that "not mastered" warns the instructor (⚠) where a student is shown the way on (→). */
const STATES: Record<ObjectiveState, Omit<StateLabel, 'label'>> = { ...BADGES, not_mastered: { icon: '⚠', tone: 'warn' } };

/** The label of a state. */
export const stateLabel = (s: ObjectiveState, t: Translate): StateLabel => ({ ...STATES[s], label: t(`instructor.state.${s}`) });

/** Each level's name for a class (the summary's column headings, counting students) and symbol (the grid's, for the state it stands for). */
const LEVEL_WORDS = { mastered: ['colMastered', 'mastered'], practising: ['colPractising', 'practising'], stuck: ['colStuck', 'not_mastered'], notStarted: ['colNotStarted', 'available'] } as const;
/** A level's name for one student: Spanish says "Atascado" of one student, "Atascados" of a count of them. */
const levelName = (t: Translate, l: ProgressLevel) => t(`studentLevel.${l}`);
/** The key of a picture: of the class (`class`, the summary's headings) or of one student. */
const levelWords = (t: Translate, of: 'class' | 'student'): LevelWords =>
  Object.fromEntries(
    PROGRESS_LEVELS.map((l) => [l, { label: of === 'class' ? t(`instructor.dashboard.${LEVEL_WORDS[l][0]}`) : levelName(t, l), symbol: STATES[LEVEL_WORDS[l][1]].icon }]),
  ) as LevelWords;

/** A probability as a whole percentage, written as the reader's locale writes it ("97%", "97 %"). */
const pct = (t: Translate, p: number) => formatPercent(t, p);
/** A time as the instructor pages show it (the reader's zone, named, to the minute, in the reader's locale). */
export const when = (t: Translate, ms: number | null): string => (ms === null ? t('instructor.never') : formatDateTime(t, ms));
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
/** Link to a student's page. */
export const studentHref = (userId: string) => `/instructor/students/${encodeURIComponent(userId)}`;
/** Link to the page of a roster learner who never opened Masterly in the course (by their LMS user id). */
export const rosterHref = (userSub: string) => `/instructor/roster/${encodeURIComponent(userSub)}`;

/** Which students the grid shows, and in what order (query `show` and `sort` of GET /instructor). */
export const DASHBOARD_FILTERS = ['all', 'attention', 'not_started'] as const;
export const DASHBOARD_SORTS = ['name', 'mastered', 'last'] as const;
export interface DashboardOptions {
  show: (typeof DASHBOARD_FILTERS)[number];
  sort: (typeof DASHBOARD_SORTS)[number];
  /** 1-based page of {@link GRID_PAGE_SIZE} students. */
  page: number;
}
/** Students per page of the grid: a large class is read a page at a time (and renders fast). */
export const GRID_PAGE_SIZE = 100;
/** Reads the grid options from a query, falling back to all students by name. */
export function dashboardOptions(query: Record<string, unknown>): DashboardOptions {
  const show = DASHBOARD_FILTERS.find((f) => f === query.show) ?? 'all';
  const sort = DASHBOARD_SORTS.find((s) => s === query.sort) ?? 'name';
  const page = Number(query.page);
  return { show, sort, page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1 };
}

/** What views/instructor/dashboard.ejs renders. */
export interface DashboardView {
  courseTitle: string;
  thresholdPercent: string;
  /** `number`: the grid's column heading (titles are long; the objectives table maps numbers to titles). */
  objectives: { id: string; number: number; title: string; mastered: number; practising: number; stuck: number; notStarted: number; model: string; modelProblem: string | null }[];
  /** The class progress picture (inline SVG, escaped by charts.ts). */
  classChartSvg: string;
  /** The prerequisite graph (authoring's picture, hidden from screen readers) and the same in words, by level. */
  prerequisites: { svg: string | null; levels: { label: string; objectives: { title: string; needs: string }[] }[] };
  /** One icon per state, for the key above the grid. */
  legend: StateLabel[];
  options: DashboardOptions;
  /** Links that change the filter or the order (the current one marked). */
  filters: { label: string; href: string; current: boolean }[];
  sorts: { label: string; href: string; current: boolean }[];
  /** Links to the other pages of the grid (empty when it fits on one). */
  pages: { label: string; href: string; current: boolean }[];
  shownText: string;
  rows: {
    name: string;
    /** The student page, or for a roster learner who never opened Masterly here, their roster page (every row the service builds has one). */
    href: string | null;
    /** "Not started", "Inactive in the LMS", both, or null. */
    status: string | null;
    mastered: number;
    lastActivity: string;
    /** The row's state cells as HTML (escaped here; see presentDashboard). */
    cellsHtml: string;
  }[];
  /** Written for the instructor: the facts and a suggested action (not the sentence the student was shown). */
  attention: { name: string; href: string; reason: string; objective: string | null; detail: string; suggestion: string }[];
  modelNote: string;
  rulesNote: string;
  studentCount: number;
}

const LEGEND: ObjectiveState[] = ['locked', 'available', 'practising', 'checking', 'reteaching', 'mastered', 'not_mastered', 'needs_review'];
const FILTER_KEYS = { all: 'showAll', attention: 'showAttention', not_started: 'showNotStarted' } as const;
const SORT_KEYS = { name: 'sortName', mastered: 'sortMastered', last: 'sortLast' } as const;

function prerequisitesOf(d: InstructorDashboard, t: Translate): DashboardView['prerequisites'] {
  const levels = levelsOf(d.objectives.map((o) => ({ key: o.id, title: o.title, prerequisites: o.prerequisites })));
  const titleOf = new Map(d.objectives.map((o) => [o.id, o.title]));
  return {
    svg: graphSvg(levels),
    levels: levels.map((objs, i) => ({
      label: t('authoring.graph.level', { n: i + 1 }),
      objectives: objs.map((o) => ({
        title: o.title,
        needs: o.prerequisites.length ? t('authoring.graph.needs', { list: o.prerequisites.map((p) => titleOf.get(p) ?? p).join(', ') }) : t('authoring.graph.needsNothing'),
      })),
    })),
  };
}

/** Shapes the dashboard: the grid filtered and ordered as `options` say. */
export function presentDashboard(d: InstructorDashboard, t: Translate, options: DashboardOptions = { show: 'all', sort: 'name', page: 1 }): DashboardView {
  const fitted = d.objectives.filter((o) => o.fitted !== null).length;
  const flagged = new Set(d.attention.map((a) => a.userId));
  const shown = d.students
    .filter((s) => (options.show === 'attention' ? s.userId !== null && flagged.has(s.userId) : options.show === 'not_started' ? !s.started : true))
    .sort((a, b) =>
      options.sort === 'mastered'
        ? a.mastered - b.mastered || a.name.localeCompare(b.name)
        : options.sort === 'last'
          ? (a.lastActivityAt ?? -1) - (b.lastActivityAt ?? -1) || a.name.localeCompare(b.name)
          : a.name.localeCompare(b.name),
    );
  const href = (o: DashboardOptions) => `/instructor?show=${o.show}&sort=${o.sort}${o.page > 1 ? `&page=${o.page}` : ''}#grid-h`;
  const pageCount = Math.max(1, Math.ceil(shown.length / GRID_PAGE_SIZE));
  const pageNo = Math.min(options.page, pageCount);
  const onPage = shown.slice((pageNo - 1) * GRID_PAGE_SIZE, pageNo * GRID_PAGE_SIZE);
  // Translated once per page, not once per cell: a class of 500 × 40 has 20,000 cells.
  // Each state's cell is rendered once to escaped HTML and reused, so the view does no per-cell work.
  const cellHtml = Object.fromEntries(
    LEGEND.map((st) => {
      const l = stateLabel(st, t);
      return [st, `<td class="cell tone-${l.tone}" title="${escapeHtml(l.label)}"><span aria-hidden="true">${l.icon}</span><span class="visually-hidden">${escapeHtml(l.label)}</span></td>`];
    }),
  ) as Record<ObjectiveState, string>;
  return {
    courseTitle: d.course.title,
    thresholdPercent: pct(t, d.course.threshold),
    classChartSvg: classProgressSvg({
      id: 'class-progress',
      title: t('pictures.classTitle'),
      desc: d.objectives.map((o) => t('pictures.classRow', { title: o.title, ...o.counts })).join(' '),
      words: levelWords(t, 'class'),
      objectives: d.objectives,
    }),
    prerequisites: prerequisitesOf(d, t),
    legend: LEGEND.map((s) => stateLabel(s, t)),
    options,
    filters: DASHBOARD_FILTERS.map((show) => ({ label: t(`instructor.dashboard.${FILTER_KEYS[show]}`), href: href({ ...options, show, page: 1 }), current: show === options.show })),
    sorts: DASHBOARD_SORTS.map((sort) => ({ label: t(`instructor.dashboard.${SORT_KEYS[sort]}`), href: href({ ...options, sort, page: 1 }), current: sort === options.sort })),
    pages:
      pageCount > 1
        ? Array.from({ length: pageCount }, (_, i) => ({ label: t('instructor.dashboard.pageN', { n: i + 1 }), href: href({ ...options, page: i + 1 }), current: i + 1 === pageNo }))
        : [],
    shownText: !shown.length
      ? t('instructor.dashboard.noneShown')
      : pageCount > 1
        ? t('instructor.dashboard.shownPage', { from: (pageNo - 1) * GRID_PAGE_SIZE + 1, to: (pageNo - 1) * GRID_PAGE_SIZE + onPage.length, shown: shown.length, total: d.students.length })
        : t('instructor.dashboard.shown', { shown: shown.length, total: d.students.length }),
    objectives: d.objectives.map((o, i) => ({
      id: o.id,
      number: i + 1,
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
      // A refused fit newer than the parameters in use: why, in plain language, and what to check.
      modelProblem: o.refused && (o.fitted === null || o.refused.at > o.fitted.at) ? t(`model.fitRefused.${o.refused.code}`, { when: when(t, o.refused.at) }) : null,
    })),
    rows: onPage.map((s) => ({
      name: s.name,
      href: s.started && s.userId !== null ? studentHref(s.userId) : s.rosterSub !== null ? rosterHref(s.rosterSub) : null,
      status:
        [s.started ? null : t('instructor.dashboard.notStarted'), s.rosterStatus === 'inactive' || s.rosterStatus === 'deleted' ? t('instructor.dashboard.inactiveInLms') : null]
          .filter(Boolean)
          .join('; ') || null,
      mastered: s.mastered,
      lastActivity: when(t, s.lastActivityAt),
      cellsHtml: s.cells.map((c) => cellHtml[c.state]).join(''),
    })),
    attention: d.attention.map((a) => ({
      name: a.name,
      href: studentHref(a.userId),
      reason: t(`instructor.reason.${a.reason}`),
      objective: a.objectiveTitle,
      detail: render(t, a.detail),
      suggestion: t(`instructor.suggest.${a.reason}`),
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
  /** Each started objective's level over time (inline SVG, escaped by charts.ts). */
  timelines: { objectiveId: string; title: string; svg: string }[];
  accommodations: { thresholdOffset: string; extraCycles: string; extraOpportunities: string; timeMultiplier: string };
  /** The accommodations in force in plain words, and the objectives they apply to (all of them; ADR 0023). */
  inForce: { lines: string[]; affects: string | null };
  errors: FieldError[];
  errorOf: Record<string, string>;
  csrf: string;
  notice: string | null;
  actionBase: string;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100));

/** A student's accommodations in plain words (what changes for them, against the course's settings). */
function inForceOf(d: StudentDetail, t: Translate): StudentView['inForce'] {
  const a = d.accommodations;
  const lines: string[] = [];
  if (a.thresholdOffset !== 0) {
    lines.push(t('timed.threshold', { threshold: pct(t, Math.min(0.99, Math.max(0.8, d.course.threshold + a.thresholdOffset))), base: pct(t, d.course.threshold) }));
  }
  if (a.extraCycles > 0) lines.push(t('timed.extraCycles', { count: a.extraCycles }));
  if (a.extraOpportunities > 0) lines.push(t('timed.extraOpportunities', { count: a.extraOpportunities }));
  if (a.timeMultiplier !== 1) {
    const base = d.course.checkTimeLimitMinutes;
    lines.push(
      base
        ? t('timed.timeMultiplier', { multiplier: fmt(a.timeMultiplier), minutes: Math.ceil(effectiveTimeLimit(base * 60, a) / 60), base })
        : t('timed.timeMultiplierUntimed', { multiplier: fmt(a.timeMultiplier) }),
    );
  }
  if (lines.length === 0) return { lines: [t('timed.none')], affects: null };
  return { lines, affects: t('timed.affects', { titles: d.objectives.map((o) => o.title).join(', ') }) };
}

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
    timelines: d.timelines.map((tl, i) => {
      // Each dated change, then the level now (the last change may be older, or made by the clock just now).
      const said = tl.steps.filter((s) => s.at < d.now).map((s) => t('pictures.timelineStep', { when: when(t, s.at), level: levelName(t, s.level) }));
      const now = tl.steps[tl.steps.length - 1];
      if (now) said.push(t('pictures.timelineNow', { level: levelName(t, now.level) }));
      return {
        objectiveId: tl.objectiveId,
        title: tl.title,
        svg: levelTimelineSvg({
          id: `timeline-${i + 1}`,
          title: t('pictures.timelineTitle', { title: tl.title }),
          desc: said.join('; '),
          words: levelWords(t, 'student'),
          steps: tl.steps,
          end: d.now,
          startLabel: when(t, tl.steps[0]?.at ?? d.now),
          endLabel: when(t, d.now),
        }),
      };
    }),
    gradeHow: d.gradeHow ?? '',
    activityGrades: (d.activityGrades ?? []).map((a) => ({ title: a.title, grade: a.score === null ? '—' : `${fmt(a.score)} / ${fmt(a.maximum)}`, comment: a.comment })),
    accommodations: {
      thresholdOffset: form?.thresholdOffset ?? fmt(a.thresholdOffset),
      extraCycles: form?.extraCycles ?? String(a.extraCycles),
      extraOpportunities: form?.extraOpportunities ?? String(a.extraOpportunities),
      timeMultiplier: form?.timeMultiplier ?? fmt(a.timeMultiplier),
    },
    inForce: inForceOf(d, t),
    errors,
    errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
    csrf,
    notice,
    actionBase: studentHref(d.student.userId),
  };
}

/** What views/instructor/roster-member.ejs renders. */
export interface RosterMemberView {
  courseTitle: string;
  name: string;
  /** Their status in the LMS, in words, and whether it is a warning (no longer active). */
  status: string;
  inactive: boolean;
  /** What the instructor can do, in order. */
  steps: string[];
}

/** Shapes the page of a roster learner who never opened Masterly; `linkTitle` is the title of the link the instructor came in by. */
export function presentRosterMember(d: Extract<RosterMemberDetail, { started: false }>, t: Translate, linkTitle: string | null): RosterMemberView {
  const { name, status } = d.member;
  const inactive = status !== 'active';
  const ask = linkTitle ? t('rosterMember.askLink', { name, link: linkTitle }) : t('rosterMember.ask', { name });
  return {
    courseTitle: d.course.title,
    name,
    status: t(`rosterMember.${status}`),
    inactive,
    steps: [...(inactive ? [t('rosterMember.checkEnrolment')] : []), ask, t('rosterMember.firstVisit')],
  };
}
