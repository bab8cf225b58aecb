/**
 * Instructor alerts: what "Needs attention" shows (stuck, wheel-spinning, falling behind) plus grades the LMS refused,
 * as a list each instructor can read in the tool and, when SMTP is configured, receive as an e-mail digest. Alerts are
 * computed from the dashboard's own facts (never stored twice); only read and e-mailed marks are kept, per alert key,
 * so an alert that clears and comes back later is new again only if its key changes (a new objective, a new reason).
 * A digest carries what the dashboard shows — names, reasons, objectives — never answers, e-mails or scores.
 */
import type { Message } from '../domain/message.js';
import { getInstructorDashboard, type AttentionReason, type InstructorDashboardDeps } from './instructorDashboard.js';
import type { Clock } from './ports.js';

/** Why an alert is raised: a "needs attention" reason, or grades the LMS refused. */
export type AlertReason = AttentionReason | 'grades_failed';

/** One alert for an instructor. */
export interface InstructorAlert {
  /** Stable while the condition holds: reason, student and objective (or the failed-grade count). */
  key: string;
  reason: AlertReason;
  studentName: string | null;
  /** The student's page (users.id), when the alert is about one student. */
  studentUserId: string | null;
  objectiveTitle: string | null;
  /** The facts, as on the dashboard. */
  detail: Message;
  /** Not yet marked read by this instructor. */
  isNew: boolean;
}

/** An instructor of a course who can receive a digest. */
export interface AlertRecipient {
  contextId: string;
  userId: string;
  email: string;
  courseTitle: string;
  roles: string[];
}

/** Storage of read and e-mailed marks (src/store/alertRepo.ts). */
export interface AlertMarkRepo {
  marks(contextId: string, userId: string): Promise<Map<string, { seenAt: number | null; emailedAt: number | null }>>;
  markSeen(contextId: string, userId: string, keys: readonly string[], at: number): Promise<void>;
  markEmailed(contextId: string, userId: string, keys: readonly string[], at: number): Promise<void>;
  /** Everyone with an e-mail address enrolled in a course that has content (roles as launched). */
  recipients(): Promise<AlertRecipient[]>;
}

/** Sends one plain-text e-mail (src/mail/smtpMailer.ts). */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string }): Promise<void>;
}

/** What the alert use-cases need. */
export interface AlertDeps extends InstructorDashboardDeps {
  alerts: AlertMarkRepo;
  /** Failed grade sends of a course (the grade-sync ledger's count). */
  failedGrades(contextId: string): Promise<number>;
  clock: Clock;
}

/** The alerts of a course for one instructor, new ones first. */
export async function listAlerts(deps: AlertDeps, input: { contextId: string; userId: string }): Promise<InstructorAlert[]> {
  const [dashboard, failed, marks] = await Promise.all([
    getInstructorDashboard(deps, { contextId: input.contextId }),
    deps.failedGrades(input.contextId),
    deps.alerts.marks(input.contextId, input.userId),
  ]);
  const alerts: Omit<InstructorAlert, 'isNew'>[] = dashboard.attention.map((a) => ({
    key: `${a.reason}:${a.userId}:${a.objectiveId ?? ''}`,
    reason: a.reason,
    studentName: a.name,
    studentUserId: a.userId,
    objectiveTitle: a.objectiveTitle,
    detail: a.detail,
  }));
  if (failed > 0) {
    alerts.push({ key: `grades_failed:${failed}`, reason: 'grades_failed', studentName: null, studentUserId: null, objectiveTitle: null, detail: { key: 'alerts.gradesFailed', vars: { count: failed } } });
  }
  return alerts
    .map((a) => ({ ...a, isNew: !marks.get(a.key)?.seenAt }))
    .sort((a, b) => Number(b.isNew) - Number(a.isNew));
}

/** Marks every current alert read for this instructor. */
export async function markAlertsRead(deps: AlertDeps, input: { contextId: string; userId: string }): Promise<number> {
  const alerts = await listAlerts(deps, input);
  const fresh = alerts.filter((a) => a.isNew).map((a) => a.key);
  if (fresh.length) await deps.alerts.markSeen(input.contextId, input.userId, fresh, deps.clock.now());
  return fresh.length;
}

/** One digest: the course and the alerts it reports. */
export interface Digest {
  to: string;
  /** The course (its language setting picks the e-mail's language). */
  contextId: string;
  courseTitle: string;
  alerts: InstructorAlert[];
}

/**
 * Sends each instructor one e-mail per course listing the alerts no digest has reported yet (read or not), then
 * marks them e-mailed; nothing is sent when there is nothing new. A failed send is retried at the next run.
 */
export async function sendAlertDigests(
  deps: AlertDeps & { mailer: Mailer; compose: (d: Digest) => Promise<{ subject: string; text: string }> | { subject: string; text: string } },
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const r of await deps.alerts.recipients()) {
    if (!deps.classifyRoles(r.roles).isInstructor) continue;
    const [alerts, marks] = await Promise.all([listAlerts(deps, r), deps.alerts.marks(r.contextId, r.userId)]);
    const unsent = alerts.filter((a) => !marks.get(a.key)?.emailedAt);
    if (!unsent.length) continue;
    try {
      await deps.mailer.send({ to: r.email, ...(await deps.compose({ to: r.email, contextId: r.contextId, courseTitle: r.courseTitle, alerts: unsent })) });
      await deps.alerts.markEmailed(r.contextId, r.userId, unsent.map((a) => a.key), deps.clock.now());
      sent++;
    } catch {
      failed++;
    }
  }
  return { sent, failed };
}
