/**
 * Ports of the instructor use-cases (dashboard, accommodations, overrides) and of background BKT fitting.
 * src/store/instructorRepo.ts implements them; only src/main.ts wires them.
 */
import type { BktParams, ObjectiveResponseKind } from '../domain/bkt.js';
import type { Explanation } from '../domain/explain.js';
import type { FitRefusal } from '../domain/fitBkt.js';
import type { CourseModelJson, CourseSequence } from '../domain/fitItems.js';
import type { PyBktResponse } from '../domain/csv.js';
import type { LearnerProjection } from './enginePorts.js';

/** A person of a context as the instructor pages list them. */
export interface CoursePerson {
  /** users.id */
  userId: string;
  /** Display name from the LMS (may be empty). */
  name: string;
  /** Roles of their last launch into the context (empty when they never launched, e.g. a seeded learner). */
  roles: string[];
  /** Epoch ms of their latest answer in the context, or null. */
  lastActivityAt: number | null;
  /** Their saved projection, when they have one. */
  learner: LearnerProjection | undefined;
  /** Their status in the course's NRPS roster (`inactive` / `deleted`: the LMS no longer lists them), or null when not on it. */
  rosterStatus: RosterStatus | null;
}

/** A member's status in the NRPS roster. */
export type RosterStatus = 'active' | 'inactive' | 'deleted';

/** Someone on the course's NRPS roster who never opened Masterly in it (so has no progress). */
export interface RosterOnlyMember {
  /** The LMS's user id (`sub`). */
  userSub: string;
  /** users.id when they launched elsewhere on the same platform, else null. */
  userId: string | null;
  name: string;
  roles: string[];
  status: RosterStatus;
}

/** Read side of the instructor dashboard. */
export interface InstructorStore {
  /** Everyone who launched into the context or has a learner projection there, with their projection. */
  people(contextId: string): Promise<CoursePerson[]>;
  /** Members of the context-wide NRPS roster who are not among {@link people} (they never launched into it). */
  rosterOnly(contextId: string): Promise<RosterOnlyMember[]>;
  /**
   * One member of the context-wide NRPS roster by their LMS user id, or null when this context's roster does not
   * list them; `launched` when they are among {@link people} (they opened Masterly in this context since).
   */
  rosterMember(contextId: string, userSub: string): Promise<(RosterOnlyMember & { launched: boolean }) | null>;
  /** The newest explanation of each (user, objective) pair asked for; key `${userId}:${objectiveId}`. */
  latestExplanations(contextId: string, pairs: readonly { userId: string; objectiveId: string }[]): Promise<Map<string, Explanation>>;
  /** When each fitted objective of the context was fitted (epoch ms); objectives never fitted are absent. */
  fittedAt(contextId: string): Promise<Map<string, number>>;
  /** Objectives whose last fit was refused as degenerate (ADR 0013): why and when; others are absent. */
  fitRefusals(contextId: string): Promise<Map<string, { code: FitRefusal; at: number }>>;
  /** Every answer of the context in log order, for the pyBKT-style download: tool user ids, objective and item keys. */
  exportResponses(contextId: string): Promise<PyBktResponse[]>;
}

/** One objective's data summary for the fitting decision. */
export interface FitCandidate {
  objectiveId: string;
  contextId: string;
  responseKind: ObjectiveResponseKind;
  /** Responses per student on the objective (type `response` only). */
  sequenceLengths: number[];
  /** Epoch ms of the newest response on the objective, or null. */
  lastResponseAt: number | null;
  /** The objective's BKT parameters in force (fitted, or the course file's). */
  params: BktParams;
  /** Epoch ms of the last fit, or null when never fitted. */
  fittedAt: number | null;
  /** Epoch ms of the last refused fit (ADR 0013), or null; cleared by a successful fit. */
  refusedAt: number | null;
}

/** Storage the fitting job needs. */
export interface FitStore {
  /** Contexts that have responses. */
  contextsWithResponses(): Promise<string[]>;
  /** Active objectives of a context with their response counts per student. */
  fitCandidates(contextId: string): Promise<FitCandidate[]>;
  /** Each student's responses on the objective (true = correct), oldest first, in log order. */
  responseSequences(objectiveId: string): Promise<boolean[][]>;
  /**
   * Each student's responses across the context's objectives, in log order (students in a stable order): the
   * objective, item, correctness, time, and whether the response moved the student into reteaching — what the
   * course-level learner model is fitted from (ADR 0027, ADR 0028).
   */
  courseSequences(contextId: string): Promise<CourseSequence[]>;
  /**
   * In ONE transaction: stores fitted parameters as the objective's current BKT parameters (bkt_fitted = 1,
   * bkt_fitted_at = at) and appends the course-wide `params_fitted` event to the context's log, so a replay
   * traces later events with them. Waits for submissions in flight and holds new ones back until it commits.
   */
  saveFittedParams(contextId: string, objectiveId: string, params: BktParams, at: number): Promise<void>;
  /**
   * In ONE transaction: stores the course-level learner model with the course (learner_model, its time) and
   * appends the course-wide `model_fitted` event carrying it to the context's log (ADR 0028).
   */
  saveCourseModel(contextId: string, model: CourseModelJson, at: number): Promise<void>;
  /** The context's stored course-level learner model and when it was fitted, or null before the first fit. */
  courseModel(contextId: string): Promise<{ model: CourseModelJson; fittedAt: number } | null>;
  /** Records a refused fit (the parameters stay as they are): shown to the instructor, refitted after new answers. */
  saveFitRefusal(objectiveId: string, code: FitRefusal, at: number): Promise<void>;
}
