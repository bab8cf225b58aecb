import { NotFound } from '../domain/errors.js';
import type { ObjectiveState } from '../domain/mastery.js';
import type { ObjectiveProgress } from '../domain/projection.js';
import type { Rng } from '../domain/random.js';
import { checkDeadline, effectiveTimeLimit, type Accommodations } from '../domain/release.js';
import { selectNextItem, workableObjectives, type SelectionPhase } from '../domain/selection.js';
import type { Clock } from './ports.js';
import type { CourseCache } from './courseCache.js';
import type { CourseItemKind, CourseRepo, IdGenerator, LearnerStore, StoredContent } from './enginePorts.js';
import { readCourseAndLearner, type LoadedCourse } from './engineModel.js';
import type { MessageOrText } from '../domain/message.js';
import { isConfidence } from './checkConfidence.js';
import type { Confidence } from './studentGoalPorts.js';

/** What nextActivity needs (randomness for tie-breaks, ids for attempts: both injected). */
export interface NextActivityDeps {
  courses: CourseRepo;
  learners: LearnerStore;
  clock: Clock;
  rng: Rng;
  ids: IdGenerator;
  /** Reuses compiled courses while their version holds (see CourseCache); without it every call reads the course. */
  courseCache?: CourseCache<LoadedCourse>;
}

/** Which objective, and whether the student already read the lesson / reteach page. */
export interface NextActivityInput {
  contextId: string;
  userId: string;
  /** Work on this objective; otherwise the engine picks (check > retention > review > reteach > practice). */
  objectiveId?: string;
  /** Go straight to an item (the student read the lesson or reteach page). */
  skipIntro?: boolean;
  /** The student's launch session, checked with their read (SessionErased or SessionRequired when gone: LearnerStore.loadLearner). */
  sessionId?: string;
}

/** An objective as activities name it. */
export interface ObjectiveRef {
  id: string;
  title: string;
  state: ObjectiveState;
  p: number;
}

/** A question as the browser may see it: never its answer. */
export interface PublicItem {
  id: string;
  kind: CourseItemKind;
  prompt: string;
  choices: { id: string; text: string }[];
}

/** A page of content (Markdown; the web layer renders it sanitised). */
export interface ContentPage {
  id: string;
  title: string;
  markdown: string;
}

/** What to show the student now. */
export type Activity =
  | { kind: 'lesson'; objective: ObjectiveRef; pages: ContentPage[] }
  | { kind: 'reteach'; objective: ObjectiveRef; pages: ContentPage[]; reason: MessageOrText | null }
  | {
      kind: 'item';
      objective: ObjectiveRef;
      phase: SelectionPhase;
      item: PublicItem;
      /** Issued with this render: the submission's idempotency key. */
      attemptId: string;
      /**
       * Position in a mastery check (1-based), when in one; a timed check (ADR 0023) also has its limit after the
       * student's time multiplier (minutes) and the seconds left (0: time is up, the next answer is refused).
       * `startedAt`: when the check began (epoch ms; what the student's confidence is kept by, ADR 0024);
       * `confidence`: what the student already said for this check (read with the learner; ADR 0024).
       */
      check: { number: number; length: number; startedAt?: number; confidence?: Confidence; timed?: { minutes: number; secondsLeft: number } } | null;
      reason: MessageOrText | null;
    }
  | { kind: 'mastered'; objective: ObjectiveRef; pages: ContentPage[]; reason: MessageOrText | null; next: ObjectiveRef | null }
  | { kind: 'stuck'; objective: ObjectiveRef; reason: MessageOrText | null; next: ObjectiveRef | null }
  | { kind: 'locked'; objective: ObjectiveRef; lockedUntil: string[] }
  | { kind: 'no_items'; objective: ObjectiveRef }
  | { kind: 'done'; mastered: number; notMastered: number; total: number };

const pagesOf = (list: readonly StoredContent[], kind: StoredContent['kind']): ContentPage[] =>
  list.filter((c) => c.kind === kind).map((c) => ({ id: c.id, title: c.title, markdown: c.markdown }));

/**
 * Decides what the student does now: a lesson for a newly available objective, a practice item, the items of a
 * mastery check (never repeating the previous check), reteach content after a failed check, guided practice,
 * the re-check, enrichment after mastery, or "not mastered — you may move on". Reads only; the attempt id it
 * issues makes the submission idempotent.
 */
export async function nextActivity(deps: NextActivityDeps, input: NextActivityInput): Promise<Activity> {
  const now = deps.clock.now();
  const { course, view } = await readCourseAndLearner(deps, input.contextId, input.userId, now, {
    latestMessages: true,
    ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
  });
  const cfg = course.config;
  const student = view.student;
  const ref = (id: string): ObjectiveRef => {
    const p = student.objectives[id] as ObjectiveProgress;
    return { id, title: course.objectives.get(id)?.title ?? id, state: p.state, p: p.p };
  };
  const workable = workableObjectives(cfg, student, now);
  if (input.objectiveId !== undefined && !course.objectives.has(input.objectiveId)) throw new NotFound('This objective');
  const targetId = input.objectiveId ?? workable[0];
  if (targetId === undefined) {
    const states = cfg.order.map((id) => (student.objectives[id] as ObjectiveProgress).state);
    return { kind: 'done', mastered: states.filter((s) => s === 'mastered').length, notMastered: states.filter((s) => s === 'not_mastered').length, total: states.length };
  }
  const prog = student.objectives[targetId] as ObjectiveProgress;
  const objective = ref(targetId);
  const content = course.content.get(targetId) ?? [];
  let reason: MessageOrText | null = null;
  const latestReason = async () => {
    // Read with the learner when the objective has stored progress; otherwise asked for.
    const known = view.latestMessages?.has(targetId);
    const stored = known
      ? view.latestMessages?.get(targetId)
      : (await deps.learners.listExplanations(input.contextId, input.userId, { objectiveId: targetId, limit: 1 }))[0]?.message;
    return stored ?? view.clockExplanations.filter((c) => c.objectiveId === targetId).at(-1)?.message ?? null;
  };
  const nextOther = () => {
    const id = workable.find((w) => w !== targetId);
    return id ? ref(id) : null;
  };

  switch (prog.state) {
    case 'locked': {
      const o = course.objectives.get(targetId);
      const unmet = (o?.prerequisites ?? []).filter((p) => {
        const s = (student.objectives[p] as ObjectiveProgress).state;
        return s !== 'mastered' && !(cfg.moveOn && s === 'not_mastered');
      });
      return { kind: 'locked', objective, lockedUntil: unmet.map((p) => course.objectives.get(p)?.title ?? p) };
    }
    case 'not_mastered':
      return { kind: 'stuck', objective, reason: await latestReason(), next: nextOther() };
    case 'mastered':
      if (!workable.includes(targetId)) {
        return { kind: 'mastered', objective, pages: prog.enrichmentUnlocked ? pagesOf(content, 'enrichment') : [], reason: await latestReason(), next: nextOther() };
      }
      break; // a retention item is due
    case 'available':
      if (!input.skipIntro && content.some((c) => c.kind === 'lesson')) return { kind: 'lesson', objective, pages: pagesOf(content, 'lesson') };
      break;
    case 'reteaching':
      reason = await latestReason();
      if (!input.skipIntro && prog.guided === 0 && content.some((c) => c.kind === 'reteach')) {
        return { kind: 'reteach', objective, pages: pagesOf(content, 'reteach'), reason };
      }
      break;
    case 'checking':
    case 'needs_review':
      reason = await latestReason();
      break;
    case 'practising':
      break;
  }

  const pick = selectNextItem({ config: cfg, student, itemStats: view.itemStats, now, rng: deps.rng, objectiveId: targetId });
  const stored = pick ? course.items.get(pick.itemId) : undefined;
  if (!pick || !stored) return { kind: 'no_items', objective };
  return {
    kind: 'item',
    objective,
    phase: pick.phase,
    item: { id: stored.id, kind: stored.kind, prompt: stored.prompt, choices: stored.choices },
    attemptId: deps.ids.newId(),
    check: pick.phase === 'check' ? { number: (prog.check?.itemIds.length ?? 0) + 1, length: prog.check?.length ?? cfg.policy.checkLength, ...startedCheck(prog, view.latestConfidence?.get(prog.objectiveId)), ...timedCheck(prog, course.snapshot.settings.checkTimeLimitMinutes, student.accommodations, now) } : null,
    reason,
  };
}

/** When the check in progress began, and the confidence the student said for it (ADR 0024), when known. */
function startedCheck(prog: ObjectiveProgress, said: { checkStartedAt: number; confidence: string } | undefined): { startedAt?: number; confidence?: Confidence } {
  const startedAt = prog.check?.startedAt;
  if (startedAt === undefined) return {};
  return said && said.checkStartedAt === startedAt && isConfidence(said.confidence) ? { startedAt, confidence: said.confidence } : { startedAt };
}

/** The time of a timed check in progress (ADR 0023), or nothing for an untimed one. */
function timedCheck(prog: ObjectiveProgress, limitMinutes: number | null, acc: Accommodations | null, now: number): { timed?: { minutes: number; secondsLeft: number } } {
  const deadline = prog.state === 'checking' ? checkDeadline(prog.check?.startedAt, limitMinutes, acc) : null;
  if (deadline === null || limitMinutes === null) return {};
  return { timed: { minutes: Math.ceil(effectiveTimeLimit(limitMinutes * 60, acc ?? undefined) / 60), secondsLeft: Math.max(0, Math.floor((deadline - now) / 1000)) } };
}
