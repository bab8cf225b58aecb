/**
 * Ports of students' goals, check confidence, badges and history (docs/decisions/0024-student-goals-confidence-badges.md).
 * src/store/studentGoalRepo.ts implements them. None of this is read by the engine: mastery decisions, grades and the
 * replay of the event log never depend on it.
 */

/** A learner's goal in a course: master `objectiveId` by `targetDate` ('YYYY-MM-DD', a calendar day). */
export interface StudentGoal {
  objectiveId: string;
  targetDate: string;
  setAt: number;
}

/** How sure a student said they were when a mastery check began (plain choices, no numbers). */
export const CONFIDENCES = ['very_sure', 'a_bit_sure', 'not_sure'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** One answer in the log, as the history reads it. */
export interface HistoryResponse {
  at: number;
  objectiveId: string;
  phase: string | null;
  correct: boolean | null;
}

/** One state change of the explanations table, as the history reads it. */
export interface HistoryChange {
  at: number;
  objectiveId: string;
  kind: string;
  rule: string;
  /** From the explanation's evidence, for checks. */
  checkCorrect: number | null;
  checkLength: number | null;
}

/** Storage of goals and confidence, and the reads of badges and history from the log and explanations. */
export interface StudentGoalStore {
  goal(contextId: string, userId: string): Promise<StudentGoal | undefined>;
  /** Sets (replaces) the learner's goal. */
  saveGoal(contextId: string, userId: string, goal: StudentGoal): Promise<void>;
  /** Removes the goal; false when there was none. */
  removeGoal(contextId: string, userId: string): Promise<boolean>;
  /** Records confidence for a check; the first answer for a check stays (false when one was there already). */
  saveConfidence(row: { contextId: string; userId: string; objectiveId: string; checkStartedAt: number; confidence: Confidence; at: number }): Promise<boolean>;
  confidence(contextId: string, userId: string, objectiveId: string, checkStartedAt: number): Promise<Confidence | undefined>;
  /** The first time each objective was mastered (the explanations' `mastered` rows): the learner's badges, oldest first. */
  badges(contextId: string, userId: string): Promise<{ objectiveId: string; earnedAt: number }[]>;
  /** The learner's latest answers and state changes, newest first, at most `limit` of each. */
  activity(contextId: string, userId: string, limit: number): Promise<{ responses: HistoryResponse[]; changes: HistoryChange[] }>;
}
