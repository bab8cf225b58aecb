/**
 * Shared by the engine use-cases: a context's course compiled into the domain's engine configuration,
 * and the learner's projection restored from storage. Not a use-case itself.
 */
import { advanceClock, compileConfig, type CompiledConfig, type EngineConfig, type StudentState } from '../domain/projection.js';
import type { Explanation } from '../domain/explain.js';
import type { ItemStats } from '../domain/elo.js';
import { restoreState } from '../domain/learnerSnapshot.js';
import { NotFound } from '../domain/errors.js';
import type { Objective } from '../domain/objectives.js';
import type { CourseRepo, CourseSnapshot, CourseVersion, LearnerProjection, LearnerStore, StoredContent, StoredItem, StoredItemStats, StoredObjective } from './enginePorts.js';
import type { CourseCache } from './courseCache.js';
import type { Clock } from './ports.js';
import type { MessageOrText } from '../domain/message.js';

/** What loading a course needs; with `courseCache` (and a clock) the compiled course is reused while its version holds. */
export interface LoadCourseDeps {
  courses: CourseRepo;
  learners: LearnerStore;
  courseCache?: CourseCache<LoadedCourse>;
  clock?: Clock;
}

/** Points of a full-score check and the mastery cut, as reported to the gradebook. */
export const POINTS_POSSIBLE = 4;
export const MASTERY_POINTS = 3;

/** A context's course, ready for the engine. */
export interface LoadedCourse {
  snapshot: CourseSnapshot;
  objectives: Map<string, StoredObjective>;
  /** Active items by id (answers included: server side only). */
  items: Map<string, StoredItem>;
  /**
   * The engine configuration with the values in force NOW (fitted parameters; no accommodations, which are each
   * learner's own state): what incremental updates and selection use.
   */
  config: CompiledConfig;
  /**
   * The configuration a replay of the whole log starts from: the course file's BKT parameters, which the log's
   * `params_fitted` events then change in order. Built on first use.
   */
  replayConfig(): CompiledConfig;
  /** The version of the parameters in `config` (see CourseSnapshot.courseVersion). */
  courseVersion: number;
  /** Content by objective id. */
  content: Map<string, StoredContent[]>;
  /** Item statistics (Elo difficulty, flags) as stored. */
  stats: Map<string, StoredItemStats>;
}

/**
 * The engine configuration of a context; throws NotFound when no course was imported. With a course cache, one
 * small statement checks the course's version and the compiled course is reused while it holds.
 */
export async function loadCourse(deps: LoadCourseDeps, contextId: string, known?: CourseVersion): Promise<LoadedCourse> {
  const cache = deps.courseCache;
  if (!cache || !deps.clock) return compileCourse(deps, contextId);
  // `known`: the versions a statement already run in this request read (the learner's), so no version check is sent.
  const version = known ?? (await deps.courses.versionOf(contextId));
  if (!version) throw new NotFound('The course content');
  return cache.get(contextId, version, deps.clock.now(), async () => {
    const course = await compileCourse(deps, contextId);
    return { course, version: { contentVersion: course.snapshot.contentVersion, courseVersion: course.courseVersion } };
  });
}

/** Reads a context's course from storage and compiles its engine configuration. */
async function compileCourse(deps: { courses: CourseRepo; learners: LearnerStore }, contextId: string): Promise<LoadedCourse> {
  const snapshot = await deps.courses.snapshot(contextId);
  if (!snapshot || snapshot.objectives.length === 0) throw new NotFound('The course content');
  const ids = snapshot.objectives.map((o) => o.id);
  const [items, stats, allContent, retired] = await Promise.all([
    deps.courses.listItems(contextId, ids),
    deps.learners.itemStats(contextId),
    deps.courses.listCourseContent(contextId),
    deps.courses.listRetiredItems(contextId),
  ]);
  const content = new Map<string, StoredContent[]>(ids.map((id) => [id, []]));
  for (const c of allContent) content.get(c.objectiveId)?.push(c);
  const objectives: Objective[] = snapshot.objectives.map((o) => ({ id: o.id, title: o.title, prerequisites: o.prerequisites, responseKind: o.responseKind }));
  const s = snapshot.settings;
  const releaseDates: Record<string, number> = {};
  // A course-wide instructor release is a release date at the epoch: open whatever the prerequisites say.
  for (const o of snapshot.objectives) if (o.releasedOverride || o.releaseAt !== null) releaseDates[o.id] = o.releasedOverride ? 0 : (o.releaseAt as number);
  const source: EngineConfig = {
    objectives,
    items: items.map((it) => ({ id: it.id, objectiveIds: [it.objectiveId], difficulty: stats.get(it.id)?.initialDifficulty ?? 0 })),
    params: Object.fromEntries(snapshot.objectives.map((o) => [o.id, o.bkt])),
    threshold: s.masteryThreshold,
    releaseDates,
    scoring: {
      pointsPossible: POINTS_POSSIBLE,
      calculation: { method: s.aggregation.method, weight: s.aggregation.weight, n: s.aggregation.n, masteryPoints: MASTERY_POINTS },
    },
    enrichmentObjectiveIds: ids.filter((id) => (content.get(id) ?? []).some((c) => c.kind === 'enrichment')),
    ...(snapshot.learnerModel ? { model: snapshot.learnerModel } : {}),
  };
  const config = compileConfig(source);
  let replay: CompiledConfig | undefined;
  return {
    snapshot,
    courseVersion: snapshot.courseVersion,
    // A replay also knows retired items: answers given before an item was removed keep counting (ADR 0016).
    replayConfig: () =>
      (replay ??= compileConfig({
        ...source,
        items: [...source.items, ...retired.map((it) => ({ id: it.id, objectiveIds: [it.objectiveId], difficulty: stats.get(it.id)?.initialDifficulty ?? 0 }))],
        params: Object.fromEntries(snapshot.objectives.map((o) => [o.id, o.bktAuthored])),
        // As the parameters: a replay starts without the model; its `model_fitted` events apply it in place.
        model: undefined,
      })),
    objectives: new Map(snapshot.objectives.map((o) => [o.id, o])),
    items: new Map(items.map((it) => [it.id, it])),
    config,
    content,
    stats,
  };
}

/**
 * Thrown inside a transaction when the learner, read under its lock, shows course parameters newer than the
 * loaded course (a fit committed in between): the caller reloads the course and tries again, so every event is
 * traced with the parameters in force at its place in the log. Not an AppError: it never leaves the service.
 */
export class StaleCourse extends Error {
  constructor() {
    super('the course parameters changed while loading');
    this.name = 'StaleCourse';
  }
}

/** Throws {@link StaleCourse} when the learner was read under another course (or content) version than `course`. */
export function assertCourseCurrent(course: LoadedCourse, learner: { courseVersion: number; contentVersion?: number }): void {
  if (learner.courseVersion !== course.courseVersion) throw new StaleCourse();
  if (learner.contentVersion !== undefined && learner.contentVersion !== course.snapshot.contentVersion) throw new StaleCourse();
}

/**
 * Runs `fn` with the context's course, again (up to 3 times) when it throws {@link StaleCourse}. A cached course is
 * used first without a version check (`fn` checks it against the versions read under the learner's lock); a retry
 * checks the version first.
 */
export async function withCurrentCourse<T>(
  deps: LoadCourseDeps,
  contextId: string,
  fn: (course: LoadedCourse, checked: boolean) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const cached = attempt === 1 ? deps.courseCache?.peek(contextId) : undefined;
    const course = cached ?? (await loadCourse(deps, contextId));
    try {
      // `checked`: the course's version was read in this request (false for an unchecked cached course).
      return await fn(course, cached === undefined);
    } catch (err) {
      if (!(err instanceof StaleCourse) || attempt >= 3) throw err;
    }
  }
}

/** A learner as pages see them now: their projection, with release rules applied as of `now` (not saved). */
export interface LearnerView {
  student: StudentState;
  /** Explanations of releases that happen by the clock alone (e.g. a new learner's first objectives); not stored. */
  clockExplanations: Explanation[];
  /** Item statistics, for selection (the course's: read only). */
  itemStats: ReadonlyMap<string, ItemStats>;
  /** When asked for: each objective's newest explanation message, read with the learner (see LearnerProjection). */
  latestMessages?: ReadonlyMap<string, MessageOrText | null>;
  /** Read with `latestMessages`: the confidence said before each objective's latest check (see LearnerProjection). */
  latestConfidence?: LearnerProjection['latestConfidence'];
}

/**
 * The context's course and the learner's view of it as of `now` (reads never write): the learner is read first, in
 * one statement that also reads the course's versions, so a cached course costs no further statement.
 */
export async function readCourseAndLearner(
  deps: LoadCourseDeps,
  contextId: string,
  userId: string,
  now: number,
  opts?: { latestMessages?: boolean; sessionId?: string },
): Promise<{ course: LoadedCourse; view: LearnerView }> {
  const learner = await deps.learners.loadLearner(contextId, userId, opts);
  // A new learner (or a context without a course) falls through to the version check.
  const known = learner?.contentVersion !== undefined ? { contentVersion: learner.contentVersion, courseVersion: learner.courseVersion } : undefined;
  const course = await loadCourse(deps, contextId, known);
  const view = learnerView(course, userId, learner, now);
  return {
    course,
    view: learner?.latestMessages
      ? { ...view, latestMessages: learner.latestMessages, ...(learner.latestConfidence ? { latestConfidence: learner.latestConfidence } : {}) }
      : view,
  };
}

/** A learner's projection with time-based release applied as of `now` (not saved). */
function learnerView(course: LoadedCourse, userId: string, learner: LearnerProjection | undefined, now: number): LearnerView {
  const hasSlice = learner !== undefined && (learner.events > 0 || learner.objectives.length > 0);
  const state = restoreState(course.config, userId, hasSlice ? learner : undefined, new Map());
  const clockExplanations = advanceClock(state, userId, now, course.config);
  return { student: state.students.get(userId) as StudentState, clockExplanations, itemStats: course.stats };
}
