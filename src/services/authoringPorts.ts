/**
 * Ports of the authoring use-cases (src/services/authorCourse.ts, docs/decisions/0016-authoring-drafts-and-content-events.md).
 */

/** A stored draft: the whole course document as the instructor pages left it. */
export interface StoredDraft {
  document: unknown;
  updatedAt: number;
  /** Counts saves: a save names the revision it read and applies only if it is still the latest. */
  revision: number;
}

/** An uploaded image. */
export interface StoredMedia {
  id: string;
  contextId: string;
  name: string;
  contentType: string;
  bytes: Buffer;
  createdAt: number;
}

/** One past answer to an item, as the log holds it (for re-grading under a new answer key). */
export interface PastAnswer {
  attemptId: string;
  itemId: string;
  userId: string;
  objectiveId: string | null;
  answer: unknown;
  correct: boolean;
}

/** Drafts, media and the few log reads authoring needs. */
export interface AuthoringRepo {
  getDraft(contextId: string): Promise<StoredDraft | undefined>;
  /**
   * Saves the draft if it is still at revision `read` (null: there was no draft), as the next revision; false when
   * another save or a publish came in between (the caller reads the draft again and re-applies its change).
   */
  saveDraft(contextId: string, document: unknown, at: number, by: string | null, read: number | null): Promise<boolean>;
  /** Deletes the draft; with `revision`, only while it is still at that revision (a publish keeps later edits). */
  deleteDraft(contextId: string, revision?: number): Promise<void>;
  putMedia(media: StoredMedia): Promise<void>;
  getMedia(contextId: string, id: string): Promise<StoredMedia | undefined>;
  /** Every answer in the log to these items (ids), oldest first. */
  pastAnswers(contextId: string, itemIds: readonly string[]): Promise<PastAnswer[]>;
}
