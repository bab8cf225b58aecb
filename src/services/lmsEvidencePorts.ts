/**
 * Ports of "LMS grades as evidence" (ADR 0004): which LMS columns feed which objectives, and which results
 * were already turned into evidence. src/store/lmsEvidenceRepo.ts implements them.
 */

/** An LMS line item (quiz, assignment column) mapped to an objective. */
export interface EvidenceMap {
  contextId: string;
  lineItemUrl: string;
  objectiveId: string;
  /** The column's label in the LMS when it was mapped. */
  label: string;
  /** resultScore / resultMaximum at or above this counts as a correct observation (0–1). */
  threshold: number;
  createdAt: number;
}

/** A result already fed to the model. */
export interface SeenResult {
  contextId: string;
  lineItemUrl: string;
  userSub: string;
  /** `score/maximum` of the result as fed (a different one is a changed result). */
  fingerprint: string;
  seenAt: number;
}

/** Storage of the mappings and of the results seen. */
export interface LmsEvidenceRepo {
  listMaps(contextId: string): Promise<EvidenceMap[]>;
  /** Inserts or replaces the mapping of a column. */
  saveMap(map: EvidenceMap): Promise<void>;
  /** Removes a mapping and what was seen of it (evidence already in the log stays); false when there was none. */
  removeMap(contextId: string, lineItemUrl: string): Promise<boolean>;
  /** user sub → fingerprint of what was fed for a column. */
  seen(contextId: string, lineItemUrl: string): Promise<Map<string, string>>;
  /** users.id by LMS user id (sub) for the context's platform; people who never launched are absent. */
  usersBySub(contextId: string, subs: readonly string[]): Promise<Map<string, string>>;
  /** Contexts with at least one mapping (for a schedule). */
  contextsWithMaps(): Promise<string[]>;
}
