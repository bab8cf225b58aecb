/**
 * Retention: deletes the learner data of courses inactive for longer than RETENTION_DAYS (scheduled in
 * src/jobs/schedules.ts; `npm run privacy -- purge [--dry-run]` runs it by hand).
 */
import { z } from 'zod';
import type { RetentionReport } from '../services/purgeInactiveCourses.js';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/compose.ts; a report with no courses when retention is off). */
export interface PurgeInactiveServices {
  purgeInactiveCourses(input: { dryRun: boolean }): Promise<RetentionReport>;
}

/** Purges inactive courses. Idempotent: a purged course has no learner data left, so a second run skips it. */
export const purgeInactiveCoursesJob = defineJob({
  name: 'purge-inactive-courses',
  payload: z.object({ dryRun: z.boolean().default(false) }),
  key: () => 'purge-inactive-courses',
  perform: (services: PurgeInactiveServices, p) => services.purgeInactiveCourses({ dryRun: p.dryRun }),
});
