/**
 * Retention (RETENTION_DAYS): deletes the learner data of courses whose last activity (an answer or a launch) is
 * older than the retention period — everyone's responses, projection, grades, roster, enrollments and sessions, and
 * the profiles nothing else needs — and reports what it removed. Course content stays. A dry run only reports.
 */
import type { Clock } from './ports.js';
import type { AuditActor, AuditLog, ErasureCounts, PrivacyStore } from './privacyPorts.js';

/** What the purge needs. */
export interface PurgeInactiveDeps {
  privacy: PrivacyStore;
  audit: AuditLog;
  clock: Clock;
  recompute(contextId: string): Promise<void>;
}

/** One course the purge removed (or would remove). */
export interface PurgedCourse {
  contextId: string;
  title: string | null;
  lastActivityAt: number;
  people: number;
  profilesRemoved: number;
  rosterMembers: number;
  counts: ErasureCounts;
}

/** What a purge did. */
export interface RetentionReport {
  dryRun: boolean;
  /** Courses inactive since before this time (epoch ms) qualify. */
  before: number;
  courses: PurgedCourse[];
}

const DAY_MS = 86_400_000;

/** Purges (or, with `dryRun`, lists) the courses inactive for more than `days` days. */
export async function purgeInactiveCourses(deps: PurgeInactiveDeps, input: { days: number; dryRun: boolean; actor: AuditActor }): Promise<RetentionReport> {
  const before = deps.clock.now() - input.days * DAY_MS;
  const courses: PurgedCourse[] = [];
  for (const c of await deps.privacy.inactiveCourses(before)) {
    const course: PurgedCourse = { ...c, profilesRemoved: 0, rosterMembers: 0, counts: {} };
    if (!input.dryRun) {
      for (const userId of await deps.privacy.peopleOf(c.contextId)) {
        const done = await deps.privacy.erasePerson(userId, c.contextId);
        if (done.personRemoved) course.profilesRemoved++;
        for (const [t, n] of Object.entries(done.counts)) course.counts[t] = (course.counts[t] ?? 0) + n;
      }
      course.rosterMembers = await deps.privacy.forgetRoster(c.contextId);
      await deps.recompute(c.contextId);
      await deps.audit.record(
        {
          action: 'course_data_purged',
          actor: input.actor,
          contextId: c.contextId,
          details: { days: input.days, lastActivityAt: c.lastActivityAt, people: c.people, profilesRemoved: course.profilesRemoved, rosterMembers: course.rosterMembers, ...course.counts },
        },
        deps.clock.now(),
      );
    }
    courses.push(course);
  }
  return { dryRun: input.dryRun, before, courses };
}
