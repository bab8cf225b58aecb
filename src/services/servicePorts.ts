/**
 * Ports of the LTI Advantage services (NRPS, AGS, Deep Linking) and of the grade outbox / roster stores.
 * src/lti implements the gateway; src/store implements the repositories; only src/main.ts wires them.
 *
 * @see https://www.imsglobal.org/spec/lti-ags/v2p0
 * @see https://www.imsglobal.org/spec/lti-nrps/v2p0
 */
import type { GradePolicy, GradePolicyKind } from '../domain/gradePolicy.js';
import type { MasteryChange } from './enginePorts.js';
import type { Vendor } from './ports.js';

export type { GradePolicy, GradePolicyKind, Vendor };

/** Who we call: the registration a context belongs to (no live launch needed). */
export interface ServiceTarget {
  platformId: string;
  issuer: string;
  clientId: string;
  tokenUrl: string;
  vendor: Vendor;
}

/** NRPS role, mapped from LIS URIs. */
export type RosterRole = 'learner' | 'instructor' | 'teaching_assistant' | 'other';

/** One NRPS member as we keep it. */
export interface RosterMember {
  userSub: string;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  roles: string[];
  role: RosterRole;
  status: 'active' | 'inactive' | 'deleted';
}

/** One page walk of NRPS: every member plus the link to ask for differences next time. */
export interface MembershipResult {
  members: RosterMember[];
  differencesUrl: string | null;
  pages: number;
}

/** An AGS line item. */
export interface LineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  tag?: string;
  resourceLinkId?: string;
}

/** An AGS score (timestamps are ISO 8601 with milliseconds). */
export interface AgsScore {
  userId: string;
  /** Only with `FullyGraded`: any other grading progress reports progress, with no grade (not a zero). */
  scoreGiven?: number;
  scoreMaximum?: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  timestamp: string;
  comment?: string;
  /**
   * Canvas's submission extension. Progress scores carry `{ new_submission: false }`: otherwise Canvas turns every
   * score into a submitted (ungraded) submission, listed as "needs grading" (docs/decisions/0014-placement-columns.md).
   */
  'https://canvas.instructure.com/lti/submission'?: { new_submission: boolean };
}

/** An AGS result (read back from the LMS). */
export interface AgsResult {
  userId: string;
  resultScore: number | null;
  resultMaximum: number | null;
  comment: string | null;
}

/**
 * What a course's last launch lets Masterly do with the LMS. Use-cases ask for a capability; src/lti decides it
 * from the claim's scopes (only src/lti knows the scope URIs). 'grades': find or create line items and post scores.
 */
export type LmsCapability = 'grades' | 'scores';

/** The LTI Advantage services as use-cases need them (STYLE rule 7). */
export interface LtiServices {
  /** Whether the course's AGS endpoint (from its last launch) grants `capability`. */
  grants(ags: ServiceContext['ags'], capability: LmsCapability): boolean;
  /** Every member over all pages; `url` may be a differences link from a previous sync. */
  listMembers(target: ServiceTarget, url: string, opts?: { resourceLinkId?: string }): Promise<MembershipResult>;
  /** Line items filtered by resourceId/tag/resource link (all pages). */
  listLineItems(target: ServiceTarget, lineItemsUrl: string, filter: { resourceId?: string; tag?: string; resourceLinkId?: string }): Promise<LineItem[]>;
  createLineItem(target: ServiceTarget, lineItemsUrl: string, item: Omit<LineItem, 'id'>): Promise<LineItem>;
  /** Posts a score; throws LmsUnavailable (retry) or LmsRejected (with a reason). */
  postScore(target: ServiceTarget, lineItemUrl: string, score: AgsScore): Promise<void>;
  /** Every result of a line item (all pages). */
  listResults(target: ServiceTarget, lineItemUrl: string): Promise<AgsResult[]>;
}

// ─── Gradebook and outbox ────────────────────────────────────────────────────────────────────────

/** One learner's standing on one objective, as the gradebook projection keeps it. */
export interface ObjectiveStanding {
  objectiveId: string;
  title: string;
  p: number;
  state: string;
  /** P(mastery) values over time, oldest first. */
  history: number[];
  occurredAt: number;
  /** When the learner became mastered (null when not mastered, or not recorded). */
  masteredAt?: number | null;
}

/** An activity: a graded resource covering objectives. */
export interface GradeActivity {
  activityId: string;
  title: string;
  objectiveIds: string[];
  /** A placement: the LMS makes its column (deep-linked or added by hand); Masterly never creates one for it. */
  placed?: boolean;
}

/** A placement as a launch shows it: its resource link and, when the LMS announced it, its own column. */
export interface Placement extends GradeActivity {
  resourceLinkId: string;
  lineItemUrl: string | null;
}

/** The score a row of the outbox wants the LMS to hold. */
export interface WantedScore {
  itemKey: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: AgsScore['activityProgress'];
  gradingProgress: AgsScore['gradingProgress'];
  comment: string;
  eventAt: number;
}

/** Gradebook storage bound to one transaction: `EngineTx.grades` (src/services/enginePorts.ts). */
export interface GradeTx {
  /** Records the learner's new standing on the objective (appending to its history). */
  saveStanding(change: MasteryChange): Promise<void>;
  policy(contextId: string): Promise<GradePolicy>;
  activitiesWith(contextId: string, objectiveId: string): Promise<GradeActivity[]>;
  standings(contextId: string, userId: string, objectiveIds: readonly string[]): Promise<ObjectiveStanding[]>;
  /** The grade due date (epoch ms) of each of these objectives that has one. */
  dueDates(objectiveIds: readonly string[]): Promise<Map<string, number>>;
  /** Upserts the wanted score (coalescing); 'unchanged' when the row already wants exactly this. */
  want(contextId: string, userId: string, score: WantedScore, now: number): Promise<'queued' | 'unchanged'>;
}

/** A leased outbox row, ready to send. */
export interface OutboxEntry {
  id: number;
  contextId: string;
  userId: string;
  userSub: string;
  itemKey: string;
  version: number;
  attempts: number;
  score: WantedScore;
  /**
   * The AGS timestamp (epoch ms) reserved for this send when the row was claimed: the claim time rounded up to a
   * whole second, and at least one second after the last one reserved for this line item and user.
   */
  timestamp: number;
}

/** One ledger line for instructors. */
export interface LedgerEntry {
  id: number;
  userId: string;
  userName: string | null;
  userSub: string;
  itemKey: string;
  itemLabel: string;
  status: 'pending' | 'sent' | 'failed';
  /** The grade the LMS should hold; null while the score carries no grade (progress only, not FullyGraded). */
  wantedScore: number | null;
  scoreMaximum: number;
  sentScore: number | null;
  sentAt: number | null;
  attempts: number;
  failureReason: string | null;
  lastError: string | null;
}

/** The durable grade outbox (also the ledger). */
export interface GradeOutboxRepo {
  /**
   * Leases up to `limit` due rows (PostgreSQL: FOR UPDATE SKIP LOCKED, so workers share the work) and reserves each
   * one's AGS timestamp in the same statement (stored per row, i.e. per line item and user: any worker goes later).
   */
  claim(owner: string, now: number, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  /**
   * Marks sent rows 'sent' (one statement per distinct version), only while we hold the lease; a row whose version
   * moved on meanwhile stays pending, due now.
   */
  markSentMany(entries: readonly OutboxEntry[], owner: string, now: number): Promise<void>;
  /** Transient failure: due again at `nextAttemptAt`; `countAttempt` false for our own waits. */
  markRetry(entry: OutboxEntry, owner: string, now: number, nextAttemptAt: number, error: string | null, countAttempt: boolean): Promise<void>;
  /** Moves the row's last reserved timestamp ahead (never back), while we hold the lease: the next claim goes later. */
  reserveTimestamp(entry: OutboxEntry, owner: string, timestamp: number): Promise<void>;
  /** Permanent failure with a plain reason (unless a newer version arrived meanwhile). */
  markFailed(entry: OutboxEntry, owner: string, now: number, reason: string, error: string): Promise<void>;
  ledger(contextId: string): Promise<LedgerEntry[]>;
  /** Queues rows again with their current wanted score (sent with a fresh timestamp); `ids` omitted = every failed row. */
  resend(contextId: string, now: number, ids?: readonly number[]): Promise<number>;
  /** Rows per status (tests, bench, health). */
  counts(contextId?: string): Promise<Record<'pending' | 'sent' | 'failed', number>>;
}

/** What we know about a line item we manage. */
export interface ManagedLineItem {
  contextId: string;
  itemKey: string;
  label: string;
  scoreMaximum: number;
  resourceId: string;
  tag: string;
  url: string | null;
  /** The LMS makes this column (a placement's): found, never created. */
  placed?: boolean;
}

/** Our line items per context and key. */
export interface GradeLineItemRepo {
  get(contextId: string, itemKey: string): Promise<ManagedLineItem | undefined>;
  /** How the line item for a key should look (label from the objective or activity title). */
  definition(contextId: string, itemKey: string, scoreMaximum: number): Promise<Omit<ManagedLineItem, 'url'>>;
  /** Claims the right to find-or-create (one worker at a time, lease until `until`); false when another holds it. */
  claimCreation(def: Omit<ManagedLineItem, 'url'>, now: number, until: number): Promise<boolean>;
  setUrl(contextId: string, itemKey: string, url: string, now: number): Promise<void>;
  /** Forgets the URL (the LMS said 404: the column was deleted). */
  forget(contextId: string, itemKey: string, now: number): Promise<void>;
  saveActivity(contextId: string, activity: GradeActivity, now: number): Promise<void>;
  /** One activity of a context. */
  activity(contextId: string, activityId: string): Promise<GradeActivity | undefined>;
  /**
   * Records a placement seen in a launch (its objectives, resource link and column URL when announced) and its line
   * item; true when the column URL is new or changed (the column must then be filled with the current grades).
   */
  place(contextId: string, placement: Placement, now: number): Promise<boolean>;
  listActivities(contextId: string): Promise<GradeActivity[]>;
  savePolicy(policy: GradePolicy, now: number): Promise<void>;
  getPolicy(contextId: string): Promise<GradePolicy>;
  /** Every learner with gradebook standings in the context, with their objectives. */
  standingUsers(contextId: string): Promise<{ userId: string; objectiveIds: string[] }[]>;
  /** Runs `fn` with the gradebook bound to one transaction. */
  withGrades<T>(fn: (tx: GradeTx) => Promise<T>): Promise<T>;
  /** Masterly's user id of an LMS user (Submission Review's `for_user`); undefined when they never launched. */
  userIdOf(platformId: string, sub: string): Promise<string | undefined>;
  /** A learner's gradebook standings (every objective the grade hook has seen for them). */
  standingsOf(contextId: string, userId: string): Promise<ObjectiveStanding[]>;
  /** Started standings whose objective's grade due date passed by `now` and that were not closed yet (up to `limit`). */
  dueStandings(now: number, limit: number): Promise<{ contextId: string; userId: string; objectiveId: string }[]>;
  /** Records that the due-date schedule closed these standings' grades. */
  markDueClosed(rows: readonly { contextId: string; userId: string; objectiveId: string }[], now: number): Promise<void>;
}

/** A context's service endpoints (from its last launch) and its registration. */
export interface ServiceContext {
  contextId: string;
  target: ServiceTarget;
  ags: { scope: string[]; lineitems?: string; lineitem?: string } | null;
  nrps: { contextMembershipsUrl: string; serviceVersions: string[] } | null;
}

/** Reads contexts with their registration (usable from jobs with no live launch). */
export interface ServiceContextRepo {
  get(contextId: string): Promise<ServiceContext | undefined>;
}

// ─── Roster ─────────────────────────────────────────────────────────────────────────────────────

/** A roster sync's bookkeeping. */
export interface RosterSyncState {
  contextId: string;
  scope: string;
  differencesUrl: string | null;
  memberCount: number;
  syncedAt: number;
}

/** Roster storage. */
export interface RosterRepo {
  state(contextId: string, scope: string): Promise<RosterSyncState | undefined>;
  /** Full sync: upserts members, marks everyone not listed inactive, records the state. */
  replace(contextId: string, scope: string, members: RosterMember[], differencesUrl: string | null, now: number): Promise<void>;
  /** Incremental sync: upserts only the listed members (statuses as given), records the state. */
  applyDifferences(contextId: string, scope: string, members: RosterMember[], differencesUrl: string | null, now: number): Promise<void>;
  list(contextId: string, scope: string): Promise<RosterMember[]>;
  /** Contexts whose roster is older than `olderThan` (for the schedule). */
  stale(olderThan: number, limit: number): Promise<string[]>;
}
