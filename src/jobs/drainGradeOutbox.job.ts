import { z } from 'zod';
import type { DrainReport } from '../services/drainOutbox.js';
import { defineJob } from './defineJob.js';

/** What the job needs: one drain pass (bound in src/compose.ts). */
export interface DrainGradeOutboxServices {
  drainOutbox(opts: { batch: number }): Promise<DrainReport>;
}

/** Drains one batch of the grade outbox. Idempotent: rows are leased, and a resend repeats the same score and timestamp. */
export const drainGradeOutboxJob = defineJob({
  name: 'drain-grade-outbox',
  payload: z.object({ batch: z.number().int().min(1).max(5000).default(200) }),
  key: () => 'drain-grade-outbox',
  perform: (services: DrainGradeOutboxServices, p) => services.drainOutbox({ batch: p.batch }),
});
