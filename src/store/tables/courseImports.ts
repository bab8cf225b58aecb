/** course_imports: uploads converted and staged before they are committed to a course (migration 0020). */
export interface CourseImportsTable {
  id: string;
  context_id: string;
  format: string;
  filename: string;
  status: string;
  progress: number;
  draft: string | null;
  report: string | null;
  outcome: string | null;
  created_at: number;
  updated_at: number;
}

/** Tables of migration 0020. */
export interface CourseImportTables {
  course_imports: CourseImportsTable;
}
