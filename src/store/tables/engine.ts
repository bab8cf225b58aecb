import type { Generated } from 'kysely';

/** engine_courses: the course settings of one context (created by the course import). */
export interface EngineCoursesTable {
  context_id: string;
  title: string;
  description: Generated<string>;
  /** θ, 0.80–0.99. */
  mastery_threshold: Generated<number>;
  /** Canvas calculation method (src/domain/aggregation.ts). */
  aggregation_method: Generated<string>;
  aggregation_weight: Generated<number>;
  aggregation_n: Generated<number>;
  format: string;
  imported_at: number;
  updated_at: number;
  /** Timed mastery checks (ADR 0023): minutes per check before the time multiplier; null = untimed. */
  check_time_limit_minutes: Generated<number | null>;
  /** Bumped by every write of the course's content (import): compiled-course caches compare it. */
  content_version: Generated<number>;
  /** The course-level learner model (JSON CourseModelJson, ADR 0028), null until fitted. */
  learner_model: Generated<string | null>;
  learner_model_fitted_at: Generated<number | null>;
}

/** objectives: a learning objective of a context, with its BKT parameters (defaults until fitted). */
export interface ObjectivesTable {
  id: string;
  context_id: string;
  key: string;
  title: string;
  description: Generated<string>;
  position: number;
  response_kind: Generated<string>;
  bkt_prior: number;
  bkt_learn: number;
  bkt_guess: number;
  bkt_slip: number;
  bkt_forget: Generated<number>;
  bkt_fitted: Generated<number>;
  bkt_fitted_at: number | null;
  /** Why the last fit was refused ('no_learning' | 'uninformative'), null when never refused or fitted since (ADR 0013). */
  bkt_fit_refused: string | null;
  bkt_fit_refused_at: number | null;
  /** The course file's BKT parameters (JSON BktParams), where a replay starts before any `params_fitted` event. */
  bkt_authored: string | null;
  release_at: number | null;
  released_override: Generated<number>;
  grade_due_at: number | null;
  /** 0 once a re-import no longer lists it (rows with responses are never deleted). */
  active: Generated<number>;
  updated_at: number;
}

/** objective_prerequisites: objective_id requires prerequisite_id. */
export interface ObjectivePrerequisitesTable {
  objective_id: string;
  prerequisite_id: string;
}

/** items: a question; `payload` is JSON with choices, the answer, feedback and hint (the answer stays on the server). */
export interface ItemsTable {
  id: string;
  context_id: string;
  objective_id: string;
  key: string;
  kind: string;
  prompt: string;
  payload: string;
  position: number;
  active: Generated<number>;
  updated_at: number;
}

/** content: lesson, reteach or enrichment Markdown of an objective. */
export interface ContentTable {
  id: string;
  context_id: string;
  objective_id: string;
  key: string;
  kind: string;
  title: string;
  body: string;
  position: number;
  updated_at: number;
}

/**
 * responses: the append-only learning event log (source of truth); `attempt_id` makes writes idempotent.
 * `user_id` is null for course-wide events (`params_fitted`); `objective_id` is null for `accommodations_set`.
 */
export interface ResponsesTable {
  id: Generated<number>;
  attempt_id: string;
  context_id: string;
  user_id: string | null;
  objective_id: string | null;
  type: Generated<string>;
  item_id: string | null;
  correct: number | null;
  answer: string | null;
  phase: string | null;
  data: string | null;
  occurred_at: number;
}

/** learner_objectives: the projection of the event log per user × objective. */
export interface LearnerObjectivesTable {
  user_id: string;
  objective_id: string;
  context_id: string;
  p: number;
  state: string;
  responses: Generated<number>;
  cycles: Generated<number>;
  stuck: Generated<number>;
  last_check_item_ids: Generated<string>;
  locked_grade: number | null;
  /** The domain's ObjectiveProgress as JSON. */
  data: string;
  updated_at: number;
}

/** learners: the per learner × context part of the projection (Elo ability, overrides, recent items); also the submit lock. */
export interface LearnersTable {
  user_id: string;
  context_id: string;
  ability: Generated<number>;
  overrides: Generated<string>;
  recent_items: Generated<string>;
  /** Events applied to this learner's projection. */
  events: Generated<number>;
  /** Under the course-level learner model (ADR 0028): JSON weights of the 9 ability nodes, null before. */
  ability_weights: Generated<string | null>;
  updated_at: number;
}

/** explanations: why a learner's objective changed state (rule + evidence), for "unlocked because…". */
export interface ExplanationsTable {
  id: Generated<number>;
  context_id: string;
  user_id: string;
  objective_id: string;
  /** attempt_id of the event that caused it. */
  event_id: string | null;
  kind: string;
  rule: string;
  from_state: string | null;
  to_state: string | null;
  evidence: string;
  message: string;
  at: number;
}

/** accommodations: per-student adjustments in a context. */
export interface AccommodationsTable {
  user_id: string;
  context_id: string;
  threshold_offset: Generated<number>;
  extra_cycles: Generated<number>;
  extra_opportunities: Generated<number>;
  time_multiplier: Generated<number>;
  updated_at: number;
}

/** item_stats: Elo-style difficulty and usage of an item, and whether it behaves badly. */
export interface ItemStatsTable {
  item_id: string;
  /** Elo difficulty (scale 400, 0 = average). */
  difficulty: number;
  initial_difficulty: number;
  n: Generated<number>;
  correct: Generated<number>;
  /** Responses from students whose P(mastery) was ≥ θ at the time, and how many were right. */
  mastered_n: Generated<number>;
  mastered_correct: Generated<number>;
  flagged: Generated<number>;
  flag_reason: string | null;
  updated_at: number;
}

/** Tables of migration 0002_engine. */
export interface EngineTables {
  engine_courses: EngineCoursesTable;
  objectives: ObjectivesTable;
  objective_prerequisites: ObjectivePrerequisitesTable;
  items: ItemsTable;
  content: ContentTable;
  responses: ResponsesTable;
  learner_objectives: LearnerObjectivesTable;
  learners: LearnersTable;
  explanations: ExplanationsTable;
  accommodations: AccommodationsTable;
  item_stats: ItemStatsTable;
}
