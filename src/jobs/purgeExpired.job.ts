/**
 * Housekeeping: deletes expired login states (after a grace period) and expired launch sessions (scheduled in src/jobs/schedules.ts).
 */
import { z } from 'zod';
import type { PurgeReport } from '../services/purgeExpired.js';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/compose.ts). */
export interface PurgeExpiredServices {
  purgeExpired(now?: number): Promise<PurgeReport>;
}

/** Deletes what has expired. Idempotent: a second run finds nothing to delete; one key so runs never overlap. */
export const purgeExpiredJob = defineJob({
  name: 'purge-expired',
  payload: z.object({ now: z.number().int().nonnegative().optional() }),
  key: () => 'purge-expired',
  perform: (services: PurgeExpiredServices, p) => services.purgeExpired(p.now),
});
