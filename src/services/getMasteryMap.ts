import type { Explanation } from '../domain/explain.js';
import type { ObjectiveState } from '../domain/mastery.js';
import { reportedGrade, type ObjectiveProgress } from '../domain/projection.js';
import { prerequisiteMet } from '../domain/release.js';
import { workableObjectives } from '../domain/selection.js';
import type { Clock } from './ports.js';
import type { CourseCache } from './courseCache.js';
import type { CourseRepo, LearnerStore } from './enginePorts.js';
import { POINTS_POSSIBLE, readCourseAndLearner, type LoadedCourse } from './engineModel.js';
import type { MessageOrText } from '../domain/message.js';

/** What getMasteryMap needs. */
export interface GetMasteryMapDeps {
  courses: CourseRepo;
  learners: LearnerStore;
  clock: Clock;
  /** Reuses compiled courses while their version holds (see CourseCache); without it every call reads the course. */
  courseCache?: CourseCache<LoadedCourse>;
}

/** One objective on a learner's map. */
export interface MapObjective {
  id: string;
  key: string;
  title: string;
  description: string;
  state: ObjectiveState;
  /** P(mastery), 0–1. */
  p: number;
  responses: number;
  cycles: number;
  stuck: boolean;
  prerequisites: { id: string; title: string; state: ObjectiveState; met: boolean }[];
  /** Titles of prerequisites still to master (empty unless locked). */
  lockedUntil: string[];
  /** The latest explanation for this objective ("Unlocked because…", "Reteaching because…"). */
  why: MessageOrText | null;
  /** Prerequisites that need review before going on (the remedial path). */
  review: string[];
  enrichmentUnlocked: boolean;
  hasEnrichment: boolean;
  /** The student can work on it now (practice, check, reteach, review or a due retention item). */
  workable: boolean;
  grade: number | null;
  gradeMaximum: number;
}

/** A learner's mastery map: objectives in prerequisite order, with goals and progress. */
export interface MasteryMap {
  course: { title: string; description: string; threshold: number };
  objectives: MapObjective[];
  progress: { total: number; mastered: number; notMastered: number; inProgress: number; available: number; locked: number };
  /** The objective the engine suggests working on next, if any. */
  suggestedObjectiveId: string | null;
  /** The latest explanations, newest first. */
  recent: { objectiveId: string; objectiveTitle: string; message: MessageOrText; at: number }[];
}

const IN_PROGRESS: ReadonlySet<ObjectiveState> = new Set(['practising', 'checking', 'reteaching', 'needs_review']);

/** Builds the learner's mastery map (reads only; time-based releases are shown, not stored). */
export async function getMasteryMap(deps: GetMasteryMapDeps, input: { contextId: string; userId: string }): Promise<MasteryMap> {
  const now = deps.clock.now();
  const { course, view } = await readCourseAndLearner(deps, input.contextId, input.userId, now);
  const cfg = course.config;
  const stored = await deps.learners.listExplanations(input.contextId, input.userId, { limit: 500 });
  const all: Explanation[] = [...[...view.clockExplanations].reverse(), ...stored];
  const latest = new Map<string, Explanation>();
  for (const e of all) if (!latest.has(e.objectiveId)) latest.set(e.objectiveId, e);
  const titleOf = (id: string) => course.objectives.get(id)?.title ?? id;
  const workable = new Set(workableObjectives(cfg, view.student, now));

  const objectives = cfg.order.map((id): MapObjective => {
    const o = course.objectives.get(id);
    const prog = view.student.objectives[id] as ObjectiveProgress;
    const prerequisites = (o?.prerequisites ?? []).map((p) => {
      const state = (view.student.objectives[p] as ObjectiveProgress).state;
      return { id: p, title: titleOf(p), state, met: prerequisiteMet(state, cfg.moveOn) };
    });
    return {
      id,
      key: o?.key ?? id,
      title: titleOf(id),
      description: o?.description ?? '',
      state: prog.state,
      p: prog.p,
      responses: prog.responses,
      cycles: prog.cycles,
      stuck: prog.stuck,
      prerequisites,
      lockedUntil: prog.state === 'locked' ? prerequisites.filter((p) => !p.met).map((p) => p.title) : [],
      why: latest.get(id)?.message ?? null,
      review: prog.remedialFor.map(titleOf),
      enrichmentUnlocked: prog.enrichmentUnlocked,
      hasEnrichment: cfg.enrichment.has(id),
      workable: workable.has(id),
      grade: reportedGrade(prog, cfg),
      gradeMaximum: POINTS_POSSIBLE,
    };
  });
  const count = (f: (o: MapObjective) => boolean) => objectives.filter(f).length;
  return {
    course: { title: course.snapshot.settings.title, description: course.snapshot.settings.description, threshold: cfg.threshold },
    objectives,
    progress: {
      total: objectives.length,
      mastered: count((o) => o.state === 'mastered'),
      notMastered: count((o) => o.state === 'not_mastered'),
      inProgress: count((o) => IN_PROGRESS.has(o.state)),
      available: count((o) => o.state === 'available'),
      locked: count((o) => o.state === 'locked'),
    },
    suggestedObjectiveId: workableObjectives(cfg, view.student, now)[0] ?? null,
    recent: all.slice(0, 6).map((e) => ({ objectiveId: e.objectiveId, objectiveTitle: titleOf(e.objectiveId), message: e.message, at: e.at })),
  };
}
