/**
 * Ports of the adaptive engine: course content, the response event log, the learner projection,
 * explanations, accommodations and item statistics. src/store implements them (courseRepo.ts, learnerRepo.ts);
 * only src/main.ts wires them.
 */
import type { SeenResult } from './lmsEvidencePorts.js';
import type { GradeTx } from './servicePorts.js';
import type { BktParams, ObjectiveResponseKind } from '../domain/bkt.js';
import type { CalculationMethod } from '../domain/aggregation.js';
import type { ContentKind, Item } from '../domain/items.js';
import type { ItemStats } from '../domain/elo.js';
import type { CourseModelJson } from '../domain/fitItems.js';
import type { Explanation } from '../domain/explain.js';
import type { EngineEvent, EngineState, ObjectiveProgress } from '../domain/projection.js';
import type { Accommodations } from '../domain/release.js';
import type { ObjectiveState } from '../domain/mastery.js';
import type { MessageOrText } from '../domain/message.js';

/** Item kinds as written in a `masterly-course/1` file. */
export type CourseItemKind = 'mc_single' | 'mc_multi' | 'numeric' | 'short' | 'fraction';

/** Course settings of one context. */
export interface CourseSettings {
  contextId: string;
  title: string;
  description: string;
  /** θ, 0.80–0.99 (default 0.95). */
  masteryThreshold: number;
  aggregation: { method: CalculationMethod; weight: number; n: number };
  /** Minutes a mastery check may take before the student's time multiplier (ADR 0023); null = untimed. */
  checkTimeLimitMinutes: number | null;
}

/** An objective as stored, with its prerequisites (objective ids) and BKT parameters. */
export interface StoredObjective {
  id: string;
  contextId: string;
  key: string;
  title: string;
  description: string;
  position: number;
  prerequisites: string[];
  responseKind: ObjectiveResponseKind;
  /** The parameters in force now (the latest fit, else the course file's). */
  bkt: BktParams;
  /** The course file's parameters: where a replay of the log starts, before any `params_fitted` event. */
  bktAuthored: BktParams;
  bktFitted: boolean;
  releaseAt: number | null;
  releasedOverride: boolean;
  gradeDueAt: number | null;
}

/** An item as stored: the domain item (with its answer — server side only) plus what pages show around it. */
export interface StoredItem {
  id: string;
  key: string;
  contextId: string;
  objectiveId: string;
  kind: CourseItemKind;
  prompt: string;
  /** Choices to show (no answer here). */
  choices: { id: string; text: string }[];
  /** The checkable item, answer included: never hand it to a presenter. */
  item: Item;
  feedback: { correct: string; incorrect: string };
  hint: string | null;
  position: number;
}

/** A lesson, reteach or enrichment page. */
export interface StoredContent {
  id: string;
  key: string;
  objectiveId: string;
  kind: ContentKind;
  title: string;
  markdown: string;
  position: number;
}

/** A course snapshot: settings plus active objectives in position order. */
export interface CourseSnapshot {
  settings: CourseSettings;
  objectives: StoredObjective[];
  /**
   * Log id of the context's latest course-wide event (`params_fitted`), 0 when none: the version of the
   * parameters in `objectives`. A transaction that sees another version in {@link LearnerProjection} reloads.
   */
  courseVersion: number;
  /** The content version (bumped by every import) this snapshot was read at. */
  contentVersion: number;
  /** The course-level learner model (ADR 0028) as of `courseVersion`, or null before the first fit. */
  learnerModel: CourseModelJson | null;
}

/** What a compiled course depends on: both change rarely and are read with one small statement. */
export interface CourseVersion {
  /** Bumped by every write of the course's content (import). */
  contentVersion: number;
  /** See {@link CourseSnapshot.courseVersion} (the latest `params_fitted` event). */
  courseVersion: number;
}

/** A validated course file, keyed by the file's keys, ready to be written. */
export interface CoursePlan {
  contextId: string;
  format: string;
  /** `checkTimeLimitMinutes`: absent keeps the course's limit, 0 removes it (ADR 0023). */
  course: { title: string; description: string; checkTimeLimitMinutes?: number };
  objectives: {
    key: string;
    title: string;
    description: string;
    prerequisiteKeys: string[];
    responseKind: ObjectiveResponseKind;
    /** Default parameters for a new (or never fitted) objective. */
    bkt: BktParams;
  }[];
  items: {
    key: string;
    objectiveKey: string;
    kind: CourseItemKind;
    prompt: string;
    /** Stored JSON (choices, answer, feedback, hint). */
    payload: ItemPayload;
    /** Initial Elo difficulty (logit scale; 0 = average). */
    difficulty: number;
  }[];
  content: { key: string; objectiveKey: string; kind: ContentKind; title: string; body: string }[];
  /**
   * Events appended to the course's log in the same transaction (content changes after students started,
   * docs/decisions/0016-authoring-drafts-and-content-events.md); `attemptId` is each one's idempotency key.
   */
  log?: CourseLogEntry[];
}

/** A content-change event for the log (`responses`): course-wide when `userId` is null. */
export interface CourseLogEntry {
  attemptId: string;
  type: 'content_published' | 'response_regraded';
  userId: string | null;
  objectiveId: string | null;
  itemId: string | null;
  correct: boolean | null;
  data: unknown;
}

/** The JSON kept in items.payload. */
export interface ItemPayload {
  choices?: { key: string; text: string }[];
  answer:
    | string[]
    | { value: number; tolerance: number }
    | { accepted: string[]; caseSensitive: boolean }
    | { numerator: number; denominator: number; simplest: boolean };
  feedback: { correct: string; incorrect: string };
  hint?: string;
}

/** What an import wrote. */
export interface ImportSummary {
  contextId: string;
  objectives: { created: number; updated: number; deactivated: number };
  items: { created: number; updated: number; deactivated: number };
  content: { created: number; updated: number; removed: number };
}

/** Storage of course content. */
export interface CourseRepo {
  /**
   * Writes a whole course plan in ONE transaction, upserting by (context, key); nothing is written on error. With
   * `onlyIntoEmpty`, throws Conflict (writing nothing) when the context has active objectives, checked under the
   * course row's lock so two concurrent first imports cannot both land.
   */
  applyImport(plan: CoursePlan, at: number, opts?: { onlyIntoEmpty?: boolean }): Promise<ImportSummary>;
  /** True when the context has at least one active objective. */
  hasObjectives(contextId: string): Promise<boolean>;
  /** The versions a compiled course of the context depends on (one statement), or undefined without a course. */
  versionOf(contextId: string): Promise<CourseVersion | undefined>;
  /** Settings and active objectives, or undefined when nothing was imported into the context. */
  snapshot(contextId: string): Promise<CourseSnapshot | undefined>;
  /** Active items of objectives (all of the context when `objectiveIds` is omitted), by objective then position. */
  listItems(contextId: string, objectiveIds?: readonly string[]): Promise<StoredItem[]>;
  getItem(contextId: string, itemId: string): Promise<StoredItem | undefined>;
  /** All content of a context, by objective, kind and position. */
  listCourseContent(contextId: string): Promise<StoredContent[]>;
  /** Content of an objective, of one kind, in position order. */
  listContent(objectiveId: string, kind?: ContentKind): Promise<StoredContent[]>;
  getContent(contextId: string, contentId: string): Promise<StoredContent | undefined>;
  /** Items no longer published (deactivated): their past answers still count when the log is replayed. */
  listRetiredItems(contextId: string): Promise<{ id: string; objectiveId: string }[]>;
  /** Re-gradings in the log (`response_regraded`, ADR 0016): the answer's attempt id → its result under the new key, latest wins. */
  answerCorrections(contextId: string): Promise<Map<string, boolean>>;
  /** Each item's difficulty as authored (engine scale, 0 = average), by item id: what an export writes back. */
  initialDifficulties(contextId: string): Promise<Map<string, number>>;
}

/** Makes ids for new rows (UUIDs in production; injectable in tests). */
export interface IdGenerator {
  newId(): string;
}

// ---------------------------------------------------------------- learner model storage

/** One learner's slice of the projection in one context (the domain's StudentState, serialisable). */
export interface LearnerProjection {
  ability: number;
  /** Under the course-level learner model (ADR 0028): the ability weights; null before it traced an answer of theirs. */
  weights?: number[] | null;
  overrides: string[];
  recentItems: string[];
  /** Events applied to it so far. */
  events: number;
  objectives: ObjectiveProgress[];
  /** Accommodations in force (the latest `accommodations_set`), or null. */
  accommodations: Accommodations | null;
  /** The context's course version ({@link CourseSnapshot.courseVersion}) as read with the learner (under its lock). */
  courseVersion: number;
  /** The context's content version ({@link CourseVersion.contentVersion}) read in the same statement; absent without a course. */
  contentVersion?: number;
  /**
   * With `loadLearner(…, { latestMessages: true })`: the message of the newest explanation of each objective that has
   * stored progress (null: none yet); objectives without stored progress are absent.
   */
  latestMessages?: ReadonlyMap<string, MessageOrText | null>;
  /**
   * With `latestMessages`, and under `EngineTx.lockLearner`: for each objective with stored progress, the confidence
   * the student said for their latest mastery check that has one (ADR 0024), read in the same statement so the
   * practice page and the check's result need no statement of their own. Shown beside a check, never used by the engine.
   */
  latestConfidence?: ReadonlyMap<string, { checkStartedAt: number; confidence: string }>;
}

/** Event types of the log (the domain's EngineEvent types). */
export type LoggedEventType = EngineEvent['type'];

/** One row of the append-only event log. */
export interface LoggedEvent {
  /** Append order (autoincrement); replay follows it. */
  logId: number;
  /** Idempotency key: the attempt id for responses. */
  attemptId: string;
  contextId: string;
  /** Null for course-wide events (`params_fitted`). */
  userId: string | null;
  /** Null for events about no objective (`accommodations_set`). */
  objectiveId: string | null;
  type: LoggedEventType;
  itemId: string | null;
  correct: boolean | null;
  /** What the student submitted (JSON), for audits. */
  answer: unknown;
  phase: string | null;
  occurredAt: number;
  /** What the submission returned the first time (a double submit returns it again). */
  outcome: unknown;
}

/** A new event to append (the log assigns `logId`). */
export type NewLoggedEvent = Omit<LoggedEvent, 'logId'>;

/** Item statistics with the item they belong to. */
export interface StoredItemStats extends ItemStats {
  itemId: string;
  flags: string[];
}

/**
 * The unit of work of one change to a learner (an answer, LMS evidence, an instructor action): every repository
 * it writes through is bound to the SAME database transaction — the log and projection, the gradebook and grade
 * outbox (`grades`, written by `afterMasteryChange`), the LMS-evidence bookkeeping. Owned by this port; the store
 * implements it (src/store/learnerRepo.ts), so no caller ever sees or converts a database transaction.
 */
export interface EngineTx {
  /** The gradebook and grade outbox, in this transaction. */
  readonly grades: GradeTx;
  /** Records that an LMS result was read into the log (so the next import skips it), in this transaction. */
  markEvidenceSeen(row: SeenResult): Promise<void>;
  findEvent(attemptId: string): Promise<LoggedEvent | undefined>;
  /**
   * Reads the learner's projection and locks it until commit (creates an empty one when missing). `also` names what the
   * unit of work reads next, so the store may read it with the learner: whether `attemptId` is in the log (a
   * `findEvent` of it that finds nothing then costs nothing) and the statistics of `itemIds`, locked after the learner
   * (a `lockItemStats` of them then costs nothing). `sessionId`: the learner's launch session, checked in the same
   * statements — when its row is gone nothing is created and SessionErased (the person was erased) or SessionRequired
   * is thrown (a page served from a kept session copy relies on this: services/getSession.ts).
   */
  lockLearner(contextId: string, userId: string, at: number, also?: { attemptId?: string; itemIds?: readonly string[]; sessionId?: string }): Promise<LearnerProjection>;
  /** Reads and locks item statistics (missing items are absent from the map). */
  lockItemStats(itemIds: readonly string[]): Promise<Map<string, ItemStats>>;
  appendEvent(event: NewLoggedEvent): Promise<void>;
  saveLearner(contextId: string, userId: string, learner: Pick<LearnerProjection, 'ability' | 'overrides' | 'recentItems' | 'events' | 'weights'>, at: number): Promise<void>;
  /** Writes (replaces) the learner's accommodations read model (the event is appended separately). */
  saveAccommodations(contextId: string, userId: string, acc: Required<Accommodations>, at: number): Promise<void>;
  saveProgress(contextId: string, userId: string, progress: readonly ObjectiveProgress[], at: number): Promise<void>;
  saveItemStats(itemId: string, stats: ItemStats, flags: readonly string[], at: number): Promise<void>;
  addExplanations(contextId: string, explanations: readonly Explanation[]): Promise<void>;
}

/** Storage of the event log and the learner projection. */
export interface LearnerStore {
  /** Runs `fn` in one database transaction (commit on success, rollback on throw). */
  inTransaction<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T>;
  /**
   * A learner's projection (not locked). `latestMessages`: also the message of each objective's newest explanation,
   * read in the same statement (what a practice page shows as the reason for an activity). `sessionId`: the learner's
   * launch session, checked with the learner (as in `EngineTx.lockLearner`: SessionErased or SessionRequired when gone).
   */
  loadLearner(contextId: string, userId: string, opts?: { latestMessages?: boolean; sessionId?: string }): Promise<LearnerProjection | undefined>;
  /** Statistics of every item of the context that has some. */
  itemStats(contextId: string): Promise<Map<string, StoredItemStats>>;
  /** A learner's explanations, newest first. */
  listExplanations(contextId: string, userId: string, opts?: { objectiveId?: string; limit?: number }): Promise<Explanation[]>;
  /** Accommodations of the context's learners, by user id. */
  accommodations(contextId: string): Promise<Record<string, Accommodations>>;
  /** A page of the log in append order (keyset on logId), for replay. */
  eventsAfter(contextId: string, afterLogId: number, limit: number): Promise<LoggedEvent[]>;
  /** Contexts that have events (for a recompute of everything). */
  contextsWithEvents(): Promise<string[]>;
  /**
   * Rebuilds a context's whole projection (learners, progress, explanations, item statistics) in one transaction:
   * `replay` reads the log page by page (keyset on logId) and returns the folded state, which replaces the stored
   * one (accommodations included). New submissions wait until it commits (PostgreSQL: the log is locked against inserts meanwhile), so no
   * response can slip between the replay and the write.
   */
  rebuildProjection(
    contextId: string,
    replay: (readPage: (afterLogId: number, limit: number) => Promise<LoggedEvent[]>) => Promise<EngineState>,
    itemIds: readonly string[],
    flagsOf: (s: ItemStats) => string[],
    at: () => number,
  ): Promise<EngineState>;
}

/**
 * A learner's objective changed state or P(mastery), as passed to `afterMasteryChange` — called INSIDE the
 * submission's transaction (with its EngineTx), once per changed objective, in prerequisite order, so the grade
 * outbox can enqueue atomically with the response. Unlocks of dependents (locked → available) count as changes.
 */
export interface MasteryChange {
  /** contexts.id row id (not the LMS's context_id). */
  contextId: string;
  /** users.id row id. */
  userId: string;
  objectiveId: string;
  /** The objective's key in the course file (stable across re-imports), e.g. for line item tags. */
  objectiveKey: string;
  pBefore: number;
  pAfter: number;
  stateBefore: ObjectiveState;
  stateAfter: ObjectiveState;
  /** The reported grade after the change (points out of `gradeMaximum`; never below a locked grade), or null. */
  grade: number | null;
  gradeMaximum: number;
  /** The attempt that caused it (idempotency key for the outbox). */
  attemptId: string;
  /** Epoch ms of the response. */
  occurredAt: number;
}

/** Hook called inside the submission transaction for every mastery change (see {@link MasteryChange}). */
export type AfterMasteryChange = (trx: EngineTx, change: MasteryChange) => Promise<void>;
