/**
 * The engine use-cases bound to their dependencies (what the student router, CLIs and other services call).
 * Built once in src/main.ts.
 */
import type { Rng } from '../domain/random.js';
import type { Clock } from './ports.js';
import type { AfterMasteryChange, CourseRepo, IdGenerator, ImportSummary, LearnerStore } from './enginePorts.js';
import { CourseCache } from './courseCache.js';
import type { LoadedCourse } from './engineModel.js';
import { ensureDemoCourse } from './ensureDemoCourse.js';
import { getMasteryMap, type MasteryMap } from './getMasteryMap.js';
import { importCourse } from './importCourse.js';
import { nextActivity, type Activity, type NextActivityInput } from './nextActivity.js';
import { recomputeMastery, type RecomputeSummary } from './recomputeMastery.js';
import { submitResponse, type SubmitResponseInput, type SubmitResult } from './submitResponse.js';

/** Everything the engine use-cases need. */
export interface EngineDeps {
  courses: CourseRepo;
  learners: LearnerStore;
  clock: Clock;
  rng: Rng;
  ids: IdGenerator;
  /** Runs inside the submission transaction for every mastery change (the grade outbox). */
  afterMasteryChange?: AfterMasteryChange;
  /** Reads the demo course file (demo mode only). */
  readDemoCourse?: () => Promise<unknown>;
}

/** The engine use-cases. */
export interface EngineServices {
  importCourse(input: { contextId: string; file: unknown }): Promise<ImportSummary>;
  /** Imports the demo course into a context without objectives (no-op without `readDemoCourse` or when it has some). */
  ensureDemoCourse(contextId: string): Promise<ImportSummary | null>;
  getMasteryMap(input: { contextId: string; userId: string }): Promise<MasteryMap>;
  nextActivity(input: NextActivityInput): Promise<Activity>;
  submitResponse(input: SubmitResponseInput): Promise<SubmitResult>;
  recomputeMastery(input: { contextId: string }): Promise<RecomputeSummary>;
}

/**
 * Binds the engine use-cases to their dependencies. The pages and answers share one cache of compiled courses
 * (checked against the course's version in the database on every use, see CourseCache).
 */
export function buildEngineServices(deps: EngineDeps): EngineServices {
  const read = deps.readDemoCourse;
  const cached = { ...deps, courseCache: new CourseCache<LoadedCourse>() };
  // Contexts known to have a course: courses are never removed, so the demo check runs once per context.
  const withCourse = new Set<string>();
  return {
    importCourse: (input) => importCourse(deps, input),
    ensureDemoCourse: async (contextId) => {
      if (!read || withCourse.has(contextId)) return null;
      const imported = await ensureDemoCourse({ ...deps, readDemoCourse: read }, { contextId });
      withCourse.add(contextId);
      return imported;
    },
    getMasteryMap: (input) => getMasteryMap(cached, input),
    nextActivity: (input) => nextActivity(cached, input),
    submitResponse: (input) => submitResponse(cached, input),
    recomputeMastery: (input) => recomputeMastery(deps, input),
  };
}
