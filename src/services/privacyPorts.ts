/**
 * Ports of privacy and operations (docs/decisions/0019-privacy-audit-erasure.md): the audit log, and the storage
 * behind a student's export and erasure and the retention purge. src/store/privacyRepo.ts implements them.
 */
import type { MessageOrText } from '../domain/message.js';

/** What the audit log records. Add a name here when a new kind of action is audited. */
export type AuditAction =
  | 'accommodations_set'
  | 'objective_unlocked'
  | 'objective_reset'
  | 'grade_policy_set'
  | 'grades_resent'
  | 'student_exported'
  | 'student_erased'
  | 'course_data_purged'
  | 'platform_registered'
  | 'platform_removed'
  | 'deployment_added'
  | 'lms_address_set'
  | 'keys_rotated'
  | 'grades_finalised'
  | 'grades_reopened';

/** Who acted: an administrator (admin page or bearer token), an operator's CLI, the tool itself, or an instructor. */
export type AuditActor = { kind: 'admin' } | { kind: 'cli' } | { kind: 'system' } | { kind: 'instructor'; userId: string };

/** Plain facts of an audited action: ids, counts, formats. Never names, e-mails or answers. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/** One action to record. */
export interface AuditEvent {
  action: AuditAction;
  actor: AuditActor;
  /** contexts.id the action concerns (null: platforms, keys). */
  contextId?: string | null;
  /** users.id of the student concerned, if any (stored as a ref that erasure unlinks). */
  subjectUserId?: string | null;
  details?: AuditDetails;
}

/**
 * The append-only audit log: the small port other features call to record what they do (`record`). There is no
 * way to change or remove a record.
 */
export interface AuditLog {
  record(event: AuditEvent, at: number): Promise<void>;
}

/** A recorded action as the audit pages and the CSV show it. */
export interface AuditRecord {
  id: number;
  at: number;
  action: AuditAction;
  actorKind: AuditActor['kind'];
  /** The instructor's current name, null when erased or not an instructor. */
  actorName: string | null;
  contextId: string | null;
  contextTitle: string | null;
  /** The student's users.id and name while they are not erased; null after (or when no student). */
  subjectUserId: string | null;
  subjectName: string | null;
  /** True when the record named a student who has since been erased. */
  subjectErased: boolean;
  details: AuditDetails;
}

/** Reading the audit log (newest first). */
export interface AuditReader {
  list(q: { contextId?: string; limit: number; beforeId?: number }): Promise<AuditRecord[]>;
}

/** A person found by an administrator's search. */
export interface PersonMatch {
  userId: string;
  platformName: string;
  name: string | null;
  email: string | null;
  sub: string;
  courses: { contextId: string; title: string | null }[];
}

/** Everything Masterly holds about one person in one course. */
export interface CourseRecord {
  contextId: string;
  lmsContextId: string;
  title: string | null;
  roles: string[];
  lastLaunchAt: number | null;
  accommodations: { thresholdOffset: number; extraCycles: number; extraOpportunities: number; timeMultiplier: number; updatedAt: number } | null;
  mastery: { objectiveId: string; objective: string; state: string; p: number; responses: number; cycles: number; updatedAt: number }[];
  masteryHistory: { at: number; objectiveId: string; objective: string; from: string | null; to: string | null; rule: string; message: MessageOrText }[];
  responses: { at: number; type: string; objectiveId: string | null; objective: string | null; itemId: string | null; item: string | null; answer: string | null; correct: boolean | null; phase: string | null }[];
  grades: { lineItem: string; scoreGiven: number; scoreMaximum: number; status: string; sentScore: number | null; sentAt: number | null; eventAt: number; comment: string }[];
  roster: { scope: string; status: string; role: string; name: string | null; email: string | null }[];
  /** The student's goal (ADR 0024), if set. */
  goal: { objectiveId: string; objective: string; targetDate: string; setAt: number } | null;
  /** How sure they said they were before each mastery check (ADR 0024). */
  checkConfidence: { objectiveId: string; objective: string; checkStartedAt: number; confidence: string; at: number }[];
}

/** Everything Masterly holds about one person (the export). */
export interface PersonRecord {
  userId: string;
  platform: { id: string; name: string; issuer: string };
  sub: string;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  updatedAt: number;
  courses: CourseRecord[];
}

/** Rows removed by an erasure, by table. */
export type ErasureCounts = Record<string, number>;

/** A course whose last activity is older than the retention period. */
export interface InactiveCourse {
  contextId: string;
  title: string | null;
  lastActivityAt: number;
  people: number;
}

/** Storage behind export, erasure and retention. */
export interface PrivacyStore {
  /** People whose name, e-mail, LMS user id (sub) or users.id contains `query` (case-insensitive). */
  findPeople(query: string, limit: number): Promise<PersonMatch[]>;
  /** Everything held about a person, in every course or in the ones listed; undefined when unknown. */
  personRecord(userId: string, contextIds?: readonly string[]): Promise<PersonRecord | undefined>;
  /**
   * In ONE transaction: deletes the person's data in `contextId` (every course when null) — responses, projection,
   * explanations, accommodations, grade states, grade outbox/ledger rows, roster rows, LMS-evidence bookkeeping,
   * enrollments, sessions and audit refs — and then the person (users row, with what cascades from it) when nothing
   * of theirs is left in any course. Returns the rows removed per table and the contexts touched.
   */
  erasePerson(userId: string, contextId: string | null): Promise<{ counts: ErasureCounts; contexts: string[]; personRemoved: boolean }>;
  /** People with data in a course (enrolled, answered, on its roster with a users row). */
  peopleOf(contextId: string): Promise<string[]>;
  /**
   * Deletes a course's whole NRPS roster (members who never launched included) and LMS-evidence bookkeeping, and
   * forgets its roster endpoint so the roster schedule stops fetching it until the next launch. Returns members removed.
   */
  forgetRoster(contextId: string): Promise<number>;
  /** Courses with learner data whose last activity (answer or launch) is before `before`. */
  inactiveCourses(before: number): Promise<InactiveCourse[]>;
  /** Scores already sent to the LMS for a person in a course (what erasure cannot take back). */
  sentGrades(userId: string, contextId: string | null): Promise<number>;
}
