/**
 * Presenters of the student pages: shape service results for the EJS views (views/student/**).
 * Markdown is rendered here, sanitised: markdown-it with raw HTML off escapes any HTML in lessons and prompts,
 * and its link validator drops javascript:/data: URLs. Answers never reach a presenter's output.
 */
import MarkdownIt from 'markdown-it';
import type { ObjectiveState } from '../../domain/mastery.js';
import type { MasteryMap } from '../../services/getMasteryMap.js';
import type { Activity, ObjectiveRef } from '../../services/nextActivity.js';
import type { SubmitResult } from '../../services/submitResponse.js';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Markdown → safe HTML (block). */
export const renderMarkdown = (src: string): string => md.render(src);
/** Markdown → safe HTML (inline: prompts, choices, feedback). */
export const renderInline = (src: string): string => md.renderInline(src);

/** Label, icon and CSS modifier of a state badge (text and icon, so colour is never the only cue). */
export interface Badge {
  label: string;
  icon: string;
  tone: 'locked' | 'ready' | 'active' | 'done' | 'warn';
}

const BADGES: Record<ObjectiveState, Badge> = {
  locked: { label: 'Locked', icon: '🔒', tone: 'locked' },
  available: { label: 'Ready to start', icon: '○', tone: 'ready' },
  practising: { label: 'Practising', icon: '◔', tone: 'active' },
  checking: { label: 'Mastery check', icon: '◑', tone: 'active' },
  reteaching: { label: 'Reteaching', icon: '↺', tone: 'warn' },
  mastered: { label: 'Mastered', icon: '✓', tone: 'done' },
  not_mastered: { label: 'Not mastered: moved on', icon: '→', tone: 'warn' },
  needs_review: { label: 'Needs review', icon: '!', tone: 'warn' },
};

/** The badge of a state. */
export const badgeOf = (s: ObjectiveState): Badge => BADGES[s];
const pct = (p: number): number => Math.round(p * 100);

/** What views/student/map.ejs shows. */
export interface MapView {
  courseTitle: string;
  courseDescription: string;
  thresholdPercent: number;
  progress: MasteryMap['progress'] & { masteredPercent: number; summary: string };
  suggestion: { title: string; href: string } | null;
  objectives: {
    id: string;
    title: string;
    description: string;
    badge: Badge;
    percent: number;
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

const list = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const practiceHref = (id: string) => `/student/practice?objective=${encodeURIComponent(id)}`;

/** Shapes the mastery map. */
export function presentMap(map: MasteryMap, preview: boolean): MapView {
  const p = map.progress;
  const suggested = map.objectives.find((o) => o.id === map.suggestedObjectiveId);
  return {
    courseTitle: map.course.title,
    courseDescription: map.course.description,
    thresholdPercent: pct(map.course.threshold),
    progress: {
      ...p,
      masteredPercent: p.total ? Math.round((p.mastered / p.total) * 100) : 0,
      summary: `${p.mastered} of ${p.total} objectives mastered${p.notMastered ? `, ${p.notMastered} moved on without mastery` : ''}.`,
    },
    suggestion: suggested ? { title: suggested.title, href: practiceHref(suggested.id) } : null,
    objectives: map.objectives.map((o) => ({
      id: o.id,
      title: o.title,
      description: o.description,
      badge: badgeOf(o.state),
      percent: pct(o.p),
      responses: o.responses,
      why: o.state === 'locked' ? null : o.why,
      lockedText: o.state === 'locked' ? (o.lockedUntil.length ? `Locked until you master ${list(o.lockedUntil)}.` : 'Locked for now.') : null,
      reviewText: o.review.length ? `Review ${list(o.review)} first: this objective builds on it.` : null,
      action:
        o.state === 'locked'
          ? null
          : o.workable
            ? { label: o.state === 'available' ? 'Start' : o.state === 'checking' ? 'Continue the check' : 'Continue', href: practiceHref(o.id), secondary: false }
            : { label: o.state === 'mastered' ? 'See what is next' : 'Details', href: practiceHref(o.id), secondary: true },
      enrichmentHref: o.enrichmentUnlocked && o.hasEnrichment ? practiceHref(o.id) : null,
    })),
    recent: map.recent.map((r) => ({ title: r.objectiveTitle, message: r.message })),
    preview,
  };
}

/** What views/student/activity.ejs shows. */
export interface ActivityView {
  kind: Activity['kind'];
  heading: string;
  objective: { title: string; badge: Badge; percent: number; href: string } | null;
  intro: string | null;
  pages: { title: string; html: string }[];
  item: {
    id: string;
    attemptId: string;
    promptHtml: string;
    input: 'radio' | 'checkbox' | 'number' | 'text';
    choices: { id: string; html: string }[];
    phaseLabel: string;
  } | null;
  continueHref: string | null;
  continueLabel: string | null;
  nextHref: string | null;
  nextLabel: string | null;
  csrf: string;
}

const refView = (o: ObjectiveRef) => ({ title: o.title, badge: badgeOf(o.state), percent: pct(o.p), href: practiceHref(o.id) });
const PHASES: Record<string, string> = {
  practice: 'Practice',
  check: 'Mastery check',
  guided: 'Guided practice',
  retention: 'Review question',
  review: 'Review',
};

/** Shapes what to do now (lesson, item, reteach, enrichment, stuck, locked, done). */
export function presentActivity(a: Activity, csrf: string): ActivityView {
  const base: ActivityView = {
    kind: a.kind,
    heading: '',
    objective: a.kind === 'done' ? null : refView(a.objective),
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
      return { ...base, heading: `Lesson: ${a.objective.title}`, pages: pages(a.pages), continueHref: `${practiceHref(a.objective.id)}&go=1`, continueLabel: 'Start practising' };
    case 'reteach':
      return {
        ...base,
        heading: `Another way to see it: ${a.objective.title}`,
        intro: a.reason,
        pages: pages(a.pages),
        continueHref: `${practiceHref(a.objective.id)}&go=1`,
        continueLabel: 'Start guided practice',
      };
    case 'item': {
      const kind = a.item.kind;
      const phaseLabel = a.check ? `Mastery check: question ${a.check.number} of ${a.check.length}` : (PHASES[a.phase] ?? 'Practice');
      return {
        ...base,
        heading: a.objective.title,
        intro: a.check && a.check.number === 1 ? `You are ready for a mastery check: ${a.check.length} questions on ${a.objective.title}. You will see your results at the end.` : a.reason,
        item: {
          id: a.item.id,
          attemptId: a.attemptId,
          promptHtml: renderInline(a.item.prompt),
          input: kind === 'mc_single' ? 'radio' : kind === 'mc_multi' ? 'checkbox' : kind === 'numeric' ? 'number' : 'text',
          choices: a.item.choices.map((c) => ({ id: c.id, html: renderInline(c.text) })),
          phaseLabel,
        },
      };
    }
    case 'mastered':
      return {
        ...base,
        heading: `Mastered: ${a.objective.title}`,
        intro: a.reason,
        pages: pages(a.pages),
        nextHref: a.next ? practiceHref(a.next.id) : null,
        nextLabel: a.next ? `Go on to ${a.next.title}` : null,
      };
    case 'stuck':
      return {
        ...base,
        heading: `Not mastered yet: ${a.objective.title}`,
        intro: a.reason ?? 'You reached the limit of tries for now. Your instructor has been told, and you may move on.',
        nextHref: a.next ? practiceHref(a.next.id) : null,
        nextLabel: a.next ? `Move on to ${a.next.title}` : null,
      };
    case 'locked':
      return { ...base, heading: `Locked: ${a.objective.title}`, intro: a.lockedUntil.length ? `Locked until you master ${list(a.lockedUntil)}.` : 'This objective is not open yet.' };
    case 'no_items':
      return { ...base, heading: a.objective.title, intro: 'There are no more questions for this objective right now. Your instructor can add more.' };
    case 'done':
      return {
        ...base,
        heading: 'All done for now',
        intro: `You have worked through every objective: ${a.mastered} of ${a.total} mastered${a.notMastered ? `, ${a.notMastered} moved on without mastery` : ''}.`,
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
  mastery: { before: number; after: number; stateLabel: string; changed: boolean } | null;
  check: { text: string; passed: boolean | null } | null;
  notes: string[];
  unlocked: { title: string; message: string; href: string }[];
  replayed: boolean;
  nextHref: string;
  nextLabel: string;
}

/** Shapes the result of a submission (check answers stay hidden until the check ends). */
export function presentFeedback(r: SubmitResult): FeedbackView {
  const inCheck = r.check !== null && !r.check.finished;
  const checkDone = r.check !== null && r.check.finished;
  const status: FeedbackView['status'] = inCheck
    ? { text: `Answer saved (question ${r.check?.answered ?? 0} of ${r.check?.length ?? 0}).`, icon: '✎', tone: 'neutral' }
    : r.correct
      ? { text: 'Correct', icon: '✓', tone: 'ok' }
      : { text: 'Not quite', icon: '✗', tone: 'bad' };
  return {
    status,
    heading: r.objectiveTitle,
    feedbackHtml: inCheck ? null : renderInline(r.feedback),
    detail: inCheck ? null : r.detail,
    hintHtml: inCheck || !r.hint ? null : renderInline(r.hint),
    mastery: inCheck
      ? null
      : {
          before: pct(r.change.pBefore),
          after: pct(r.change.pAfter),
          stateLabel: badgeOf(r.change.stateAfter).label,
          changed: r.change.stateAfter !== r.change.stateBefore,
        },
    check: checkDone
      ? {
          text: `Mastery check: ${r.check?.correct ?? 0} of ${r.check?.length ?? 0} right. ${r.check?.passed ? 'Passed.' : 'Not passed this time.'}`,
          passed: r.check?.passed ?? null,
        }
      : inCheck
        ? { text: 'You will see your results at the end of the check.', passed: null }
        : null,
    notes: inCheck ? [] : r.notes.filter((n) => n.kind !== 'unlocked' || n.objectiveId === r.objectiveId).map((n) => n.message),
    unlocked: inCheck ? [] : r.unlocked.map((u) => ({ title: u.title, message: u.message, href: practiceHref(u.objectiveId) })),
    replayed: r.replayed,
    nextHref: practiceHref(r.objectiveId),
    nextLabel: inCheck ? 'Next check question' : r.change.stateAfter === 'reteaching' ? 'See the reteach lesson' : r.change.stateAfter === 'mastered' && r.change.stateBefore !== 'mastered' ? 'Continue' : 'Next question',
  };
}
