/**
 * A student's data on request (docs/decisions/0019-privacy-audit-erasure.md): export everything Masterly holds
 * about them, preview what an erasure removes, and erase it — by an administrator (every course) or by an
 * instructor (their course). Erasure deletes the rows (nothing is kept "anonymised" that could be linked back) and
 * rebuilds the course's projection from the remaining log. Grades the LMS already holds stay in the LMS.
 */
import { AppError, Conflict, NotFound } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import type { Clock } from './ports.js';
import type { AuditActor, AuditLog, ErasureCounts, PersonRecord, PrivacyStore } from './privacyPorts.js';

/** What the privacy use-cases need. */
export interface StudentPrivacyDeps {
  privacy: PrivacyStore;
  audit: AuditLog;
  clock: Clock;
  /** Rebuilds a course's projection from its log (recomputeMastery); courses without content are skipped. */
  recompute(contextId: string): Promise<void>;
  /** A random id for an erasure's receipt. */
  newId(): string;
  /** Classifies LTI roles (src/lti/roles.ts `summariseRoles`): an instructor erases students only, never staff. */
  classifyRoles(roles: readonly string[]): { isInstructor: boolean };
}

/** Who asks, and for which course (null: an administrator, every course). */
export interface PrivacyRequest {
  userId: string;
  contextId: string | null;
  actor: AuditActor;
}

async function recordOf(deps: StudentPrivacyDeps, input: PrivacyRequest): Promise<PersonRecord> {
  const record = await deps.privacy.personRecord(input.userId, input.contextId ? [input.contextId] : undefined);
  if (!record || (input.contextId && record.courses.length === 0)) throw new NotFound('This student');
  return record;
}

/**
 * An instructor's erasure is for the students of their course: a teaching assistant, another instructor or any other
 * staff role there (from the launch or the LMS roster) is refused, with ERR_FORBIDDEN; administrators erase anyone.
 */
function refuseStaff(deps: StudentPrivacyDeps, input: PrivacyRequest, record: PersonRecord): void {
  if (input.actor.kind !== 'instructor') return;
  const roles = record.courses.flatMap((c) => [...c.roles, ...c.roster.map((r) => r.role)]);
  if (deps.classifyRoles(roles).isInstructor) {
    throw new AppError('ERR_FORBIDDEN', 'An instructor can erase only the students of their course, not its staff.', { said: msg('outage.eraseStaff') });
  }
}

/** Everything held about a student (in the instructor's course, or everywhere for an administrator); audited. */
export async function exportStudent(deps: StudentPrivacyDeps, input: PrivacyRequest & { format: 'json' | 'csv' }): Promise<PersonRecord> {
  const record = await recordOf(deps, input);
  await deps.audit.record(
    { action: 'student_exported', actor: input.actor, contextId: input.contextId, subjectUserId: input.userId, details: { format: input.format, courses: record.courses.length } },
    deps.clock.now(),
  );
  return record;
}

/** What an erasure would remove, and what it cannot take back. */
export interface ErasurePreview {
  name: string;
  courses: { contextId: string; title: string | null }[];
  responses: number;
  masteryRows: number;
  explanations: number;
  gradeRows: number;
  accommodations: number;
  rosterRows: number;
  /** Scores already sent to the LMS: they stay in the LMS gradebook. */
  gradesInLms: number;
  /** True when the person's profile (name, e-mail) goes too: nothing of theirs is left in another course. */
  profileGoes: boolean;
}

/** Shows what {@link eraseStudent} would remove (nothing is changed). */
export async function previewErasure(deps: StudentPrivacyDeps, input: PrivacyRequest): Promise<ErasurePreview> {
  const record = await recordOf(deps, input);
  refuseStaff(deps, input, record);
  const everywhere = input.contextId ? await deps.privacy.personRecord(input.userId) : record;
  const sum = (f: (c: PersonRecord['courses'][number]) => number) => record.courses.reduce((n, c) => n + f(c), 0);
  return {
    name: record.name ?? [record.givenName, record.familyName].filter(Boolean).join(' '),
    courses: record.courses.map((c) => ({ contextId: c.contextId, title: c.title })),
    responses: sum((c) => c.responses.length),
    masteryRows: sum((c) => c.mastery.length),
    explanations: sum((c) => c.masteryHistory.length),
    gradeRows: sum((c) => c.grades.length),
    accommodations: sum((c) => (c.accommodations ? 1 : 0)),
    rosterRows: sum((c) => c.roster.length),
    gradesInLms: await deps.privacy.sentGrades(input.userId, input.contextId),
    profileGoes: !input.contextId || (everywhere?.courses.length ?? 0) <= 1,
  };
}

/** What an erasure did. */
export interface ErasureReport {
  /** A random receipt id, also in the audit log, that names no one. */
  receipt: string;
  counts: ErasureCounts;
  courses: number;
  profileRemoved: boolean;
  gradesInLms: number;
}

/**
 * Erases a student: their rows in the course (every course for an administrator) in one transaction, their profile
 * when nothing of theirs is left, then each course's projection rebuilt from the remaining log (item statistics no
 * longer count their answers). The audit record names no one (a receipt id and counts). An instructor cannot erase
 * themselves, nor anyone with a staff role in the course.
 */
export async function eraseStudent(deps: StudentPrivacyDeps, input: PrivacyRequest): Promise<ErasureReport> {
  if (input.actor.kind === 'instructor' && input.actor.userId === input.userId) {
    throw new Conflict('An instructor cannot erase their own data from the course.', msg('errors.privacyEraseSelf'));
  }
  refuseStaff(deps, input, await recordOf(deps, input));
  const gradesInLms = await deps.privacy.sentGrades(input.userId, input.contextId);
  const done = await deps.privacy.erasePerson(input.userId, input.contextId);
  for (const contextId of done.contexts) await deps.recompute(contextId);
  const receipt = deps.newId();
  await deps.audit.record(
    {
      action: 'student_erased',
      actor: input.actor,
      contextId: input.contextId,
      details: { receipt, courses: done.contexts.length, profileRemoved: done.personRemoved, gradesInLms, ...done.counts },
    },
    deps.clock.now(),
  );
  return { receipt, counts: done.counts, courses: done.contexts.length, profileRemoved: done.personRemoved, gradesInLms };
}
