import type { Generated } from 'kysely';

/** audit_log: who did what and when; append-only (migration 0019). People appear only as `audit_people` refs. */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  /** 'admin' | 'instructor' | 'cli' | 'system' */
  actor_kind: string;
  /** audit_people.ref of the instructor who acted, or null. */
  actor_ref: string | null;
  /** contexts.id the action concerns, or null (platforms, keys). */
  context_id: string | null;
  action: string;
  /** audit_people.ref of the student the action concerns, or null. */
  subject_ref: string | null;
  /** JSON object of plain facts (objective ids, counts, formats); never names, e-mails or answers. */
  details: Generated<string>;
}

/** audit_people: the ref naming a user in one course's audit rows; deleted when the user is erased from it. */
export interface AuditPeopleTable {
  ref: string;
  user_id: string;
  /** contexts.id, or '' for actions outside a course. */
  context_id: string;
}

/** Tables of migration 0019_privacy. */
export interface PrivacyTables {
  audit_log: AuditLogTable;
  audit_people: AuditPeopleTable;
}
