/**
 * Background BKT fitting: per objective with enough data, EM-fits its parameters from the response log
 * (src/services/fitObjectiveParams.ts). Runs on a schedule (src/jobs/schedules.ts) and by hand with `npm run fit`.
 */
import { z } from 'zod';
import type { FitReport } from '../services/fitObjectiveParams.js';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/compose.ts). */
export interface FitBktServices {
  fitObjectiveParams(input: { contextId?: string }): Promise<FitReport>;
}

/**
 * Fits the objectives of one context (or all contexts with responses). Idempotent: an objective with no response
 * newer than its last fit is left alone, and the seeded EM gives the same parameters for the same log.
 */
export const fitBktJob = defineJob({
  name: 'fit-bkt',
  payload: z.object({ contextId: z.string().min(1).optional() }),
  key: (p) => `fit-bkt:${p.contextId ?? '*'}`,
  perform: (services: FitBktServices, p) => services.fitObjectiveParams(p.contextId ? { contextId: p.contextId } : {}),
});
