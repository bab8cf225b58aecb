/**
 * Ports of the authoring use-cases (src/services/authorCourse.ts, docs/decisions/0016-authoring-drafts-and-content-events.md).
 */

/** A stored draft: the whole course document as the instructor pages left it. */
export interface StoredDraft {
  document: unknown;
  updatedAt: number;
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
  saveDraft(contextId: string, document: unknown, at: number, by: string | null): Promise<void>;
  deleteDraft(contextId: string): Promise<void>;
  putMedia(media: StoredMedia): Promise<void>;
  getMedia(contextId: string, id: string): Promise<StoredMedia | undefined>;
  /** Every answer in the log to these items (ids), oldest first. */
  pastAnswers(contextId: string, itemIds: readonly string[]): Promise<PastAnswer[]>;
}
