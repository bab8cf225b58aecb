/**
 * Ports of the adaptive engine (issue 4): course content, the response event log, the learner projection,
 * explanations, accommodations and item statistics. src/store implements them (courseRepo.ts, learnerRepo.ts);
 * only src/main.ts wires them.
 */
import type { BktParams, ObjectiveResponseKind } from '../domain/bkt.js';
import type { CalculationMethod } from '../domain/aggregation.js';
import type { ContentKind, Item } from '../domain/items.js';

/** Item kinds as written in a `masterly-course/1` file. */
export type CourseItemKind = 'mc_single' | 'mc_multi' | 'numeric' | 'short';

/** Course settings of one context. */
export interface CourseSettings {
  contextId: string;
  title: string;
  description: string;
  /** θ, 0.80–0.99 (default 0.95). */
  masteryThreshold: number;
  aggregation: { method: CalculationMethod; weight: number; n: number };
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
  bkt: BktParams;
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
}

/** A validated course file, keyed by the file's keys, ready to be written. */
export interface CoursePlan {
  contextId: string;
  format: string;
  course: { title: string; description: string };
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
}

/** The JSON kept in items.payload. */
export interface ItemPayload {
  choices?: { key: string; text: string }[];
  answer: string[] | { value: number; tolerance: number } | { accepted: string[]; caseSensitive: boolean };
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
  /** Writes a whole course plan in ONE transaction, upserting by (context, key); nothing is written on error. */
  applyImport(plan: CoursePlan, at: number): Promise<ImportSummary>;
  /** True when the context has at least one active objective. */
  hasObjectives(contextId: string): Promise<boolean>;
  /** Settings and active objectives, or undefined when nothing was imported into the context. */
  snapshot(contextId: string): Promise<CourseSnapshot | undefined>;
  /** Active items of objectives (all of the context when `objectiveIds` is omitted), by objective then position. */
  listItems(contextId: string, objectiveIds?: readonly string[]): Promise<StoredItem[]>;
  getItem(contextId: string, itemId: string): Promise<StoredItem | undefined>;
  /** Content of an objective, of one kind, in position order. */
  listContent(objectiveId: string, kind?: ContentKind): Promise<StoredContent[]>;
  getContent(contextId: string, contentId: string): Promise<StoredContent | undefined>;
}

/** Makes ids for new rows (UUIDs in production; injectable in tests). */
export interface IdGenerator {
  newId(): string;
}
