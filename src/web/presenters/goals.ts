/**
 * Presenters of a student's goal, confidence before a check, badges and history (ADR 0024), for views/student/map.ejs,
 * views/student/feedback.ejs, views/student/activity.ejs and views/student/history.ejs. Plain words only: no
 * state names, no probabilities.
 */
import type { Translate } from '../../i18n/index.js';
import type { MasteryMap } from '../../services/getMasteryMap.js';
import type { HistoryEntry } from '../../services/studentHistory.js';
import { dayOf, earliestToday, type BadgeView, type GoalView } from '../../services/studentGoals.js';
import { CONFIDENCES, type Confidence } from '../../services/studentGoalPorts.js';
import { when } from './instructorDashboard.js';

const practiceHref = (id: string) => `/student/practice?objective=${encodeURIComponent(id)}`;
const list = (t: Translate, xs: readonly string[]) => new Intl.ListFormat(t.lang, { type: 'conjunction' }).format(xs);
const dayText = (t: Translate, date: string) => t('goals.dayLong', { when: dayOf(date) });

/** A badge as drawn: its label and one of a few colours (the shape and text carry the meaning, not the colour). */
export interface BadgeItem {
  label: string;
  earned: string;
  tone: number;
}
export const badgeItems = (badges: readonly BadgeView[], t: Translate): BadgeItem[] =>
  badges.map((b, i) => ({ label: t('goals.badges.label', { title: b.title }), earned: t('goals.badges.earned', { when: when(t, b.earnedAt) }), tone: i % 4 }));

/** The goal section of the map: the goal and where it stands, and the form to set or change it. */
export interface GoalSection {
  goal: { target: string; status: string; days: string | null; reached: boolean; action: { label: string; href: string } | null } | null;
  form: {
    heading: string;
    submit: string;
    options: { value: string; label: string; selected: boolean }[];
    date: string;
    min: string;
    errors: { objectiveId?: string; targetDate?: string };
  } | null;
  nothingLeft: boolean;
  notice: string | null;
  csrf: string;
}

/** What the student typed, and the problems found, when a goal form is refused. */
export interface GoalForm {
  objectiveId: string;
  targetDate: string;
  errors: { objectiveId?: string; targetDate?: string };
}

export function presentGoalSection(goal: GoalView | null, map: MasteryMap, opts: { csrf: string; now: number; form?: GoalForm; notice?: 'saved' | 'removed' }, t: Translate): GoalSection {
  const open = map.objectives.filter((o) => o.state !== 'mastered');
  const chosen = opts.form?.objectiveId ?? (goal && goal.status !== 'reached' ? goal.objectiveId : '');
  const status = (g: GoalView): string => {
    switch (g.status) {
      case 'reached':
        return t('goals.reached', { title: g.title });
      case 'passed':
        return t('goals.passed');
      case 'locked':
        return g.lockedUntil.length ? t('goals.locked', { list: list(t, g.lockedUntil), title: g.title }) : t('goals.lockedForNow', { title: g.title });
      case 'under_way':
        return t(g.state === 'available' ? 'goals.start' : 'goals.onTheWay', { title: g.title });
    }
  };
  return {
    goal: goal
      ? {
          target: t('goals.target', { title: goal.title, date: dayText(t, goal.targetDate) }),
          status: status(goal),
          days: goal.status === 'reached' || goal.status === 'passed' ? null : goal.daysLeft === 0 ? t('goals.today') : t('goals.daysLeft', { count: goal.daysLeft }),
          reached: goal.status === 'reached',
          action: goal.status === 'under_way' ? { label: t('goals.practise', { title: goal.title }), href: practiceHref(goal.objectiveId) } : null,
        }
      : null,
    form: open.length
      ? {
          heading: t(goal ? 'goals.changeHeading' : 'goals.heading'),
          submit: t(goal ? 'goals.change' : 'goals.set'),
          options: open.map((o) => ({ value: o.id, label: o.state === 'locked' ? t('goals.lockedOption', { title: o.title }) : o.title, selected: o.id === chosen })),
          date: opts.form?.targetDate ?? (goal && goal.status !== 'reached' ? goal.targetDate : ''),
          min: earliestToday(opts.now),
          errors: opts.form?.errors ?? {},
        }
      : null,
    nothingLeft: open.length === 0 && !goal,
    notice: opts.notice ? t(`goals.${opts.notice}`) : null,
    csrf: opts.csrf,
  };
}

/** The confidence question shown with the first question of a check. */
export const confidenceChoices = (t: Translate) => CONFIDENCES.map((c) => ({ value: c, label: t(`goals.confidence.${c}`) }));

/** The sentence beside a finished check's result. */
export const confidenceResult = (c: Confidence, check: { correct: number; length: number; passed: boolean | null }, t: Translate): string =>
  t(`goals.confidence.${c}_${check.passed ? 'passed' : 'failed'}`, { correct: check.correct, length: check.length });

/** One line of the history page. */
export interface HistoryLine {
  when: string;
  text: string;
  badge: boolean;
}

function lineText(e: HistoryEntry, t: Translate): string {
  const title = e.objective;
  switch (e.kind) {
    case 'practised':
      return t('goals.history.practised', { title, count: e.questions, right: e.right });
    case 'check_started':
      return t('goals.history.checkStarted', { title });
    case 'check_passed':
      return e.right !== null && e.length !== null ? t('goals.history.checkPassed', { title, right: e.right, length: e.length }) : t('goals.history.checkPassedPlain', { title });
    case 'check_not_passed':
      return e.right !== null && e.length !== null ? t('goals.history.checkNotPassed', { title, right: e.right, length: e.length }) : t('goals.history.checkNotPassedPlain', { title });
    case 'mastered':
      return t('goals.history.mastered', { title });
    case 'badge':
      return t('goals.history.badge', { title });
    case 'unlocked':
      return t('goals.history.unlocked', { title });
    case 'reteach':
      return t('goals.history.reteach', { title });
    case 'stuck':
      return t('goals.history.stuck', { title });
    case 'review_needed':
      return t('goals.history.reviewNeeded', { title });
    case 'remembered':
      return t('goals.history.remembered', { title });
    case 'goal_set':
      return t('goals.history.goalSet', { title, date: dayText(t, e.targetDate) });
  }
}

/** What views/student/history.ejs shows. */
export interface HistoryPage {
  badges: BadgeItem[];
  lines: HistoryLine[];
  page: number;
  newerHref: string | null;
  olderHref: string | null;
}

export function presentHistory(h: { entries: HistoryEntry[]; page: number; hasOlder: boolean }, badges: readonly BadgeView[], t: Translate): HistoryPage {
  return {
    badges: badgeItems(badges, t),
    lines: h.entries.map((e) => ({ when: when(t, e.at), text: lineText(e, t), badge: e.kind === 'badge' })),
    page: h.page,
    newerHref: h.page > 1 ? `/student/history?page=${h.page - 1}` : null,
    olderHref: h.hasOlder ? `/student/history?page=${h.page + 1}` : null,
  };
}
