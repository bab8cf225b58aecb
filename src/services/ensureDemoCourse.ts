import type { Clock } from './ports.js';
import type { CourseRepo, ImportSummary } from './enginePorts.js';
import { importCourse } from './importCourse.js';

/** What ensureDemoCourse needs: the course store, a clock, and a reader of the demo course file. */
export interface EnsureDemoCourseDeps {
  courses: CourseRepo;
  clock: Clock;
  /** Reads seed/fractions.json (main.ts injects the file read). */
  readDemoCourse: () => Promise<unknown>;
}

/**
 * Demo mode: the first launch into a context without objectives imports the demo course into it.
 * Returns the import summary, or null when the context already has a course. Safe to call on every launch.
 */
export async function ensureDemoCourse(deps: EnsureDemoCourseDeps, input: { contextId: string }): Promise<ImportSummary | null> {
  if (await deps.courses.hasObjectives(input.contextId)) return null;
  return importCourse(deps, { contextId: input.contextId, file: await deps.readDemoCourse() });
}
