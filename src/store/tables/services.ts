import type { Generated } from 'kysely';

/** grade_policies: how a context's mastery becomes LMS grades (one row per context; defaults when absent). */
export interface GradePoliciesTable {
  context_id: string;
  /** 'fraction_mastered' | 'p_mastery' | 'aggregation' */
  policy: string;
  /** Canvas-parity calculation settings (JSON) when policy = 'aggregation'. */
  calculation_json: string | null;
  per_objective: number;
  per_activity: number;
  score_maximum: number;
  /** What a placement's column holds: 'percent_mastered' | 'mean_mastery' | 'objective_grade' (migration 0015). */
  activity_grade: string;
  updated_at: number;
  /** When the instructor finalised the course's grades (null: not finalised; migration 0023). */
  finalised_at: number | null;
}

/** grade_objective_states: the gradebook's projection of each learner's mastery per objective. */
export interface GradeObjectiveStatesTable {
  context_id: string;
  user_id: string;
  objective_id: string;
  p: number;
  state: string;
  /** Recent P(mastery) values, oldest first (JSON array), for Canvas-parity aggregations. */
  history_json: string;
  occurred_at: number;
  /** When the learner last became mastered (null when not mastered). */
  mastered_at: number | null;
  /** When the due-date schedule closed this objective's grade (null: not yet; migration 0023). */
  due_closed_at: number | null;
}

/** grade_activities: an activity (deep-linked resource) and the objectives it grades. */
export interface GradeActivitiesTable {
  context_id: string;
  activity_id: string;
  title: string;
  objective_ids_json: string;
  created_at: number;
  /** The resource link (placement) this activity is, when known from a launch. */
  resource_link_id: string | null;
  /** The placement's own column (the launch's AGS `lineitem`), when known. */
  line_item_url: string | null;
  /** 1 when the LMS makes the column (deep-linked or hand-added placement): Masterly never creates it. */
  placed: number;
}

/** grade_line_items: our line item per context and key ('objective:<id>', 'activity:<id>'). */
export interface GradeLineItemsTable {
  context_id: string;
  item_key: string;
  label: string;
  score_maximum: number;
  resource_id: string;
  tag: string;
  /** The LMS line item URL; null while one worker is finding or creating it. */
  line_item_url: string | null;
  claimed_until: number | null;
  updated_at: number;
}

/**
 * grade_outbox: one row per context + user + line item key. The mastery transaction writes the wanted
 * score here (coalescing: a newer change replaces a pending one); workers lease, send and mark it.
 * It doubles as the instructors' ledger (last sent value, when, status, failure reason).
 */
export interface GradeOutboxTable {
  id: Generated<number>;
  context_id: string;
  user_id: string;
  item_key: string;
  score_given: number;
  score_maximum: number;
  activity_progress: string;
  grading_progress: string;
  comment: string;
  /** Time of the mastery event (the AGS `timestamp`); never decreases for a row. */
  event_at: number;
  version: number;
  /** 'pending' | 'sent' | 'failed' */
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  failure_reason: string | null;
  last_error: string | null;
  sent_version: number | null;
  sent_score: number | null;
  sent_event_at: number | null;
  sent_at: number | null;
  /** The AGS timestamp (epoch ms, whole seconds) last sent for this line item and user; the next one is later. */
  last_timestamp: number | null;
  created_at: number;
  updated_at: number;
}

/** roster_members: NRPS members per context and scope ('' = whole course, else a resource link id). */
export interface RosterMembersTable {
  context_id: string;
  scope: string;
  user_sub: string;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  roles: string;
  role: string;
  /** 'active' | 'inactive' | 'deleted' */
  status: string;
  updated_at: number;
}

/** roster_syncs: when a context's roster was last synced and the differences link for the next sync. */
export interface RosterSyncsTable {
  context_id: string;
  scope: string;
  differences_url: string | null;
  member_count: number;
  synced_at: number;
}

/** lms_evidence_maps: an LMS line item whose results feed an objective's learner model. */
export interface LmsEvidenceMapsTable {
  context_id: string;
  line_item_url: string;
  objective_id: string;
  label: string;
  /** Result fraction at or above which the evidence counts as correct. */
  threshold: number;
  created_at: number;
}

/** lms_evidence_seen: results already fed to the model (so a re-read adds nothing twice). */
export interface LmsEvidenceSeenTable {
  context_id: string;
  line_item_url: string;
  user_sub: string;
  fingerprint: string;
  seen_at: number;
}

/** Tables of migration 0003_services. */
export interface ServiceTables {
  grade_policies: GradePoliciesTable;
  grade_objective_states: GradeObjectiveStatesTable;
  grade_activities: GradeActivitiesTable;
  grade_line_items: GradeLineItemsTable;
  grade_outbox: GradeOutboxTable;
  roster_members: RosterMembersTable;
  roster_syncs: RosterSyncsTable;
  lms_evidence_maps: LmsEvidenceMapsTable;
  lms_evidence_seen: LmsEvidenceSeenTable;
}
