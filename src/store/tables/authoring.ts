import type { Generated } from 'kysely';

/** course_drafts: a course's unpublished draft (a whole `masterly-course/1` document as JSON text). */
export interface CourseDraftsTable {
  context_id: string;
  document: string;
  updated_at: number;
  updated_by: string | null;
  /** Counts saves; a save applies only on the revision it read (migration 0031). */
  revision: Generated<number>;
}

/** media: an uploaded image (bytes in the database so every process serves it). */
export interface MediaTable {
  id: string;
  context_id: string;
  name: string;
  content_type: string;
  size: number;
  bytes: Buffer;
  created_at: number;
}

/** Tables of migration 0017. */
export interface AuthoringTables {
  course_drafts: CourseDraftsTable;
  media: MediaTable;
}
