/** instructor_alert_marks: which alerts an instructor has read, and which an e-mail digest already sent them. */
export interface InstructorAlertMarksTable {
  context_id: string;
  user_id: string;
  alert_key: string;
  seen_at: number | null;
  emailed_at: number | null;
}

/** Tables of migration 0022. */
export interface AlertTables {
  instructor_alert_marks: InstructorAlertMarksTable;
}
