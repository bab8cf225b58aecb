/**
 * Ports of course set-up: the sample units shipped with Masterly and the courses Masterly knows on a platform.
 * src/store implements them (sampleUnits.ts, courseDirectory.ts); src/compose.ts wires them.
 */

/** A sample unit as the set-up page lists it. */
export interface SampleUnit {
  /** Stable id (the file name in seed/, e.g. `statistics`). */
  id: string;
  title: string;
  description: string;
  objectives: number;
  items: number;
}

/** The sample units (seed/*.json, `masterly-course/1`). */
export interface SampleUnits {
  list(): Promise<SampleUnit[]>;
  /** The parsed file of a listed unit, or undefined for an id that is not listed. */
  read(id: string): Promise<unknown>;
}

/** A course (LMS context) Masterly knows, with how much published content it has. */
export interface KnownCourse {
  /** Our context row id. */
  contextId: string;
  /** The LMS's context id (`context.id` of its launches). */
  ltiContextId: string;
  title: string | null;
  label: string | null;
  /** Active objectives and items (0 when the course has no content). */
  objectives: number;
  items: number;
}

/** A course of a person: with the roles of their latest launch there. */
export interface EnrolledCourse extends KnownCourse {
  roles: string[];
  lastLaunchAt: number;
}

/** Reads the courses of a platform that Masterly has seen launches from. */
export interface CourseDirectory {
  /** Courses of the platform where `userId` launched Masterly, newest launch first. */
  coursesOf(platformId: string, userId: string): Promise<EnrolledCourse[]>;
  /** Courses of the platform with these LMS context ids (unknown ids are absent). */
  byLtiIds(platformId: string, ltiContextIds: readonly string[]): Promise<KnownCourse[]>;
}
