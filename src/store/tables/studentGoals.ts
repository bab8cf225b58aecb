/** student_goals: a learner's one goal in a course (target objective and date, 'YYYY-MM-DD'). */
export interface StudentGoalsTable {
  context_id: string;
  user_id: string;
  objective_id: string;
  target_date: string;
  set_at: number;
}

/** check_confidence: how sure a learner said they were when a mastery check began (keyed by the check's start). */
export interface CheckConfidenceTable {
  context_id: string;
  user_id: string;
  objective_id: string;
  check_started_at: number;
  confidence: string;
  said_at: number;
}

/** Tables of migration 0026. */
export interface StudentGoalTables {
  student_goals: StudentGoalsTable;
  check_confidence: CheckConfidenceTable;
}
