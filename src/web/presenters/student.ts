/**
 * Presenters of the student pages: shape service results for the EJS views (views/student/**).
 * Markdown is rendered here through web/markdown.ts (escaped HTML, TeX as MathML, diagrams as SVG, sanitised).
 */
import type { ObjectiveState } from '../../domain/mastery.js';
import type { MasteryMap } from '../../services/getMasteryMap.js';
import type { Activity, ObjectiveRef } from '../../services/nextActivity.js';
import type { SubmitResult } from '../../services/submitResponse.js';
import { render, type Translate } from '../../i18n/index.js';
import type { MessageOrText } from '../../domain/message.js';
import { renderInline, renderMarkdown } from '../markdown.js';

export { renderInline, renderMarkdown };

/** The answer control of an item kind. */
export const inputOf = (kind: string): 'radio' | 'checkbox' | 'number' | 'fraction' | 'text' =>
  kind === 'mc_single' ? 'radio' : kind === 'mc_multi' ? 'checkbox' : kind === 'numeric' ? 'number' : kind === 'fraction' ? 'fraction' : 'text';

/** Label, icon and CSS modifier of a state badge (text and icon, so colour is never the only cue). */
export interface Badge {
  label: string;
  icon: string;
  tone: 'locked' | 'ready' | 'active' | 'done' | 'warn';
}

/**
 * The symbol of a locked objective: ⊘ (an open circle, struck through: not open yet), a text symbol every system font
 * set has. Not the padlock emoji, which needs an emoji font (Debian's Chromium without one draws an empty box).
 */
const LOCKED_SYMBOL = '⊘';

/** Each state's symbol and tone on the student pages (the instructor pages start from these too). */
export const BADGES: Record<ObjectiveState, Omit<Badge, 'label'>> = {
  locked: { icon: LOCKED_SYMBOL, tone: 'locked' },
  available: { icon: '○', tone: 'ready' },
  practising: { icon: '◔', tone: 'active' },
  checking: { icon: '◑', tone: 'active' },
  reteaching: { icon: '↺', tone: 'warn' },
  mastered: { icon: '✓', tone: 'done' },
  not_mastered: { icon: '→', tone: 'warn' },
  needs_review: { icon: '!', tone: 'warn' },
};

/** The badge of a state. */
export const badgeOf = (s: ObjectiveState, t: Translate): Badge => ({ ...BADGES[s], label: t(`student.badge.${s}`) });

/**
 * How far along a student is, in words a child understands (never a probability): 0 not started, 1 practising,
 * 2 almost there (the estimate within {@link ALMOST} of the mastery threshold), 3 mastered. None when locked.
 */
export interface Level {
  value: 0 | 1 | 2 | 3;
  label: string;
  /** "Level 2 of 3: Almost there", for screen readers and the meter's text. */
  text: string;
}
const ALMOST = 0.15;
const LEVEL_KEYS = ['notStarted', 'practising', 'almostThere', 'mastered'] as const;
export function levelOf(o: { state: ObjectiveState; p: number; responses?: number }, threshold: number, t: Translate): Level | null {
  if (o.state === 'locked') return null;
  const value: Level['value'] =
    o.state === 'mastered' ? 3 : o.state === 'available' || o.responses === 0 ? 0 : o.p >= threshold - ALMOST ? 2 : 1;
  const label = t(`student.level.${LEVEL_KEYS[value]}`);
  return { value, label, text: t('student.level.meter', { level: value, label }) };
}
/** The default threshold where a page has none at hand (the course default, ADR 0011). */
const DEFAULT_THRESHOLD = 0.95;

/** What views/student/map.ejs shows. */
export interface MapView {
  courseTitle: string;
  courseDescription: string;
  progress: MasteryMap['progress'] & { masteredPercent: number; summary: string };
  suggestion: { title: string; href: string } | null;
  objectives: {
    id: string;
    title: string;
    description: string;
    badge: Badge;
    level: Level | null;
    responses: number;
    why: string | null;
    lockedText: string | null;
    reviewText: string | null;
    /** `secondary` for links that only show details (no work to do there). */
    action: { label: string; href: string; secondary: boolean } | null;
    enrichmentHref: string | null;
  }[];
  recent: { title: string; message: string }[];
  preview: boolean;
}

const list = (t: Translate, xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : t('student.and', { list: xs.slice(0, -1).join(', '), last: xs[xs.length - 1] ?? '' }));
const practiceHref = (id: string) => `/student/practice?objective=${encodeURIComponent(id)}`;

/** Shapes the mastery map. */
export function presentMap(map: MasteryMap, preview: boolean, t: Translate): MapView {
  const p = map.progress;
  const suggested = map.objectives.find((o) => o.id === map.suggestedObjectiveId);
  return {
    courseTitle: map.course.title,
    courseDescription: map.course.description,
    progress: {
      ...p,
      masteredPercent: p.total ? Math.round((p.mastered / p.total) * 100) : 0,
      summary: t(p.notMastered ? 'student.map.summaryMovedOn' : 'student.map.summary', { mastered: p.mastered, total: p.total, notMastered: p.notMastered }),
    },
    suggestion: suggested ? { title: suggested.title, href: practiceHref(suggested.id) } : null,
    objectives: map.objectives.map((o) => ({
      id: o.id,
      title: o.title,
      description: o.description,
      badge: badgeOf(o.state, t),
      level: levelOf(o, map.course.threshold, t),
      responses: o.responses,
      why: o.state === 'locked' || o.why === null ? null : render(t, o.why),
      lockedText: o.state === 'locked' ? (o.lockedUntil.length ? t('student.map.lockedUntil', { list: list(t, o.lockedUntil) }) : t('student.map.lockedForNow')) : null,
      reviewText: o.review.length ? t('student.map.review', { list: list(t, o.review) }) : null,
      action:
        o.state === 'locked'
          ? null
          : o.workable
            ? { label: t(o.state === 'available' ? 'student.map.start' : o.state === 'checking' ? 'student.map.continueCheck' : 'student.map.continue'), href: practiceHref(o.id), secondary: false }
            : { label: t(o.state === 'mastered' ? 'student.map.whatNext' : 'student.map.details'), href: practiceHref(o.id), secondary: true },
      enrichmentHref: o.enrichmentUnlocked && o.hasEnrichment ? practiceHref(o.id) : null,
    })),
    recent: map.recent.map((r) => ({ title: r.objectiveTitle, message: render(t, r.message) })),
    preview,
  };
}

/** What views/student/activity.ejs shows. */
export interface ActivityView {
  kind: Activity['kind'];
  heading: string;
  /** The objective worked on; its level is hidden during a check, so no estimate moves before the result. */
  objective: { title: string; badge: Badge; level: Level | null; href: string } | null;
  intro: string | null;
  pages: { title: string; html: string }[];
  item: {
    id: string;
    attemptId: string;
    promptHtml: string;
    input: 'radio' | 'checkbox' | 'number' | 'fraction' | 'text';
    choices: { id: string; html: string }[];
    phaseLabel: string;
    /** Show "(choose all that apply)": a multiple-answer item whose prompt does not already say so. */
    chooseAll: boolean;
  } | null;
  continueHref: string | null;
  continueLabel: string | null;
  nextHref: string | null;
  nextLabel: string | null;
  csrf: string;
  /** A timed check (ADR 0023): the limit, the time left now, and the texts public/student.js counts down with. */
  timer?: { limit: string; left: string; secondsLeft: number; minuteOne: string; minutesMany: string; lastMinute: string; up: string };
}

const MARK = 7777;
/** The time of a timed check as text: the limit, what is left now, and templates for the page's countdown. */
function timerView(timed: { minutes: number; secondsLeft: number }, t: Translate): NonNullable<ActivityView['timer']> {
  const up = t('timed.up');
  const lastMinute = t('timed.lastMinute');
  const mins = Math.ceil(timed.secondsLeft / 60);
  return {
    limit: t('timed.limit', { count: timed.minutes }),
    left: timed.secondsLeft <= 0 ? up : timed.secondsLeft <= 60 ? lastMinute : t('timed.left', { count: mins }),
    secondsLeft: timed.secondsLeft,
    minuteOne: t('timed.left', { count: 1 }),
    // The count is put back by the script; the marker survives any number format.
    minutesMany: t('timed.left', { count: MARK }).replace(/7[^0-9]?777/, '{n}'),
    lastMinute,
    up,
  };
}

const refView = (o: ObjectiveRef, t: Translate, inCheck = false) => ({
  title: o.title,
  badge: badgeOf(o.state, t),
  level: inCheck ? null : levelOf(o, DEFAULT_THRESHOLD, t),
  href: practiceHref(o.id),
});
const PHASES = ['practice', 'check', 'guided', 'retention', 'review'] as const;
const phaseKey = (phase: string) => `student.phase.${PHASES.find((p) => p === phase) ?? 'practice'}` as const;

/** Shapes what to do now (lesson, item, reteach, enrichment, stuck, locked, done). */
export function presentActivity(a: Activity, csrf: string, t: Translate): ActivityView {
  const reasonOf = (m: MessageOrText | null) => (m === null ? null : render(t, m));
  const base: ActivityView = {
    kind: a.kind,
    heading: '',
    objective: a.kind === 'done' ? null : refView(a.objective, t, a.kind === 'item' && a.check !== null),
    intro: null,
    pages: [],
    item: null,
    continueHref: null,
    continueLabel: null,
    nextHref: null,
    nextLabel: null,
    csrf,
  };
  const pages = (ps: { title: string; markdown: string }[]) => ps.map((p) => ({ title: p.title, html: renderMarkdown(p.markdown) }));
  switch (a.kind) {
    case 'lesson':
      return { ...base, heading: t('student.activity.lesson', { title: a.objective.title }), pages: pages(a.pages), continueHref: `${practiceHref(a.objective.id)}&go=1`, continueLabel: t('student.activity.startPractising') };
    case 'reteach':
      return {
        ...base,
        heading: t('student.activity.reteach', { title: a.objective.title }),
        intro: reasonOf(a.reason),
        pages: pages(a.pages),
        continueHref: `${practiceHref(a.objective.id)}&go=1`,
        continueLabel: t('student.activity.startGuided'),
      };
    case 'item': {
      const kind = a.item.kind;
      const phaseLabel = a.check ? t('student.phase.checkQuestion', { number: a.check.number, length: a.check.length }) : t(phaseKey(a.phase));
      return {
        ...base,
        heading: a.objective.title,
        intro: a.check && a.check.number === 1 ? t('student.activity.checkIntro', { length: a.check.length, title: a.objective.title }) : reasonOf(a.reason),
        item: {
          id: a.item.id,
          attemptId: a.attemptId,
          promptHtml: renderMarkdown(a.item.prompt),
          input: inputOf(kind),
          choices: a.item.choices.map((c) => ({ id: c.id, html: renderInline(c.text) })),
          phaseLabel,
          chooseAll: kind === 'mc_multi' && !/all that apply/i.test(a.item.prompt),
        },
        ...(a.check?.timed ? { timer: timerView(a.check.timed, t) } : {}),
      };
    }
    case 'mastered':
      return {
        ...base,
        heading: t('student.activity.mastered', { title: a.objective.title }),
        intro: reasonOf(a.reason),
        pages: pages(a.pages),
        nextHref: a.next ? practiceHref(a.next.id) : null,
        nextLabel: a.next ? t('student.activity.goOn', { title: a.next.title }) : null,
      };
    case 'stuck':
      return {
        ...base,
        heading: t('student.activity.stuck', { title: a.objective.title }),
        intro: reasonOf(a.reason) ?? t('student.activity.stuckIntro'),
        nextHref: a.next ? practiceHref(a.next.id) : null,
        nextLabel: a.next ? t('student.activity.moveOn', { title: a.next.title }) : null,
      };
    case 'locked':
      return { ...base, heading: t('student.activity.locked', { title: a.objective.title }), intro: a.lockedUntil.length ? t('student.map.lockedUntil', { list: list(t, a.lockedUntil) }) : t('student.activity.notOpen') };
    case 'no_items':
      return { ...base, heading: a.objective.title, intro: t('student.activity.noItems') };
    case 'done':
      return {
        ...base,
        heading: t('student.activity.done'),
        intro: t(a.notMastered ? 'student.activity.doneIntroMovedOn' : 'student.activity.doneIntro', { mastered: a.mastered, total: a.total, notMastered: a.notMastered }),
      };
  }
}

/** What views/student/feedback.ejs shows. */
export interface FeedbackView {
  status: { text: string; icon: string; tone: 'ok' | 'bad' | 'neutral' };
  heading: string;
  feedbackHtml: string | null;
  detail: string | null;
  hintHtml: string | null;
  /** The level after the answer, and whether it moved (no probability is shown). */
  mastery: { level: Level; text: string } | null;
  check: { text: string; passed: boolean | null } | null;
  notes: string[];
  unlocked: { title: string; message: string; href: string }[];
  replayed: boolean;
  nextHref: string;
  nextLabel: string;
}

function levelChange(r: SubmitResult, t: Translate): FeedbackView['mastery'] {
  const before = levelOf({ state: r.change.stateBefore, p: r.change.pBefore }, DEFAULT_THRESHOLD, t);
  const after = levelOf({ state: r.change.stateAfter, p: r.change.pAfter, responses: 1 }, DEFAULT_THRESHOLD, t);
  if (!after) return null;
  const key = !before || after.value === before.value ? 'levelSame' : after.value > before.value ? 'levelUp' : 'levelDown';
  return { level: after, text: t(`student.feedback.${key}`, { level: after.label }) };
}

/** Shapes the result of a submission (check answers stay hidden until the check ends). */
export function presentFeedback(r: SubmitResult, t: Translate): FeedbackView {
  const inCheck = r.check !== null && !r.check.finished;
  const checkDone = r.check !== null && r.check.finished;
  const status: FeedbackView['status'] = inCheck
    ? r.check?.extended && r.check.answered === r.check.length - 1
      ? { text: t('model.checkExtended'), icon: '✎', tone: 'neutral' }
      : { text: t('student.feedback.saved', { answered: r.check?.answered ?? 0, length: r.check?.length ?? 0 }), icon: '✎', tone: 'neutral' }
    : r.correct
      ? { text: t('student.feedback.correct'), icon: '✓', tone: 'ok' }
      : { text: t('student.feedback.wrong'), icon: '✗', tone: 'bad' };
  return {
    status,
    heading: r.objectiveTitle,
    feedbackHtml: inCheck ? null : renderInline(r.feedback),
    detail: inCheck || r.detail === null ? null : render(t, r.detail),
    hintHtml: inCheck || !r.hint ? null : renderInline(r.hint),
    mastery: inCheck ? null : levelChange(r, t),
    check: checkDone
      ? {
          text: t(r.check?.passed ? 'student.feedback.checkPassed' : 'student.feedback.checkFailed', { correct: r.check?.correct ?? 0, length: r.check?.length ?? 0 }),
          passed: r.check?.passed ?? null,
        }
      : inCheck
        ? { text: t('student.feedback.checkPending'), passed: null }
        : null,
    notes: inCheck ? [] : r.notes.filter((n) => n.kind !== 'unlocked' || n.objectiveId === r.objectiveId).map((n) => render(t, n.message)),
    unlocked: inCheck ? [] : r.unlocked.map((u) => ({ title: u.title, message: render(t, u.message), href: practiceHref(u.objectiveId) })),
    replayed: r.replayed,
    nextHref: practiceHref(r.objectiveId),
    nextLabel: t(
      inCheck
        ? 'student.feedback.nextCheck'
        : r.change.stateAfter === 'reteaching' && r.change.stateBefore !== 'reteaching'
          ? 'student.feedback.seeReteach'
          : r.change.stateAfter === 'mastered' && r.change.stateBefore !== 'mastered'
            ? 'student.feedback.continue'
            : 'student.feedback.next',
    ),
  };
}
