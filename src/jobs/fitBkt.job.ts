/**
 * Background BKT fitting: per objective with enough data, EM-fits its parameters from the response log
 * (src/services/fitObjectiveParams.ts). Runs on a schedule from src/main.ts and by hand with `npm run fit`.
 */
import { z } from 'zod';
import type { FitReport } from '../services/fitObjectiveParams.js';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/main.ts). */
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

/** Options of the fitting schedule. */
export interface FitScheduleOptions {
  services: FitBktServices;
  /** Default 1 hour. */
  everyMs?: number;
  onDone?: (report: FitReport) => void;
  onError?: (err: unknown) => void;
}

/** Runs the fit every `everyMs` on an unref'd timer; ticks never overlap; `stop` waits for a running fit. */
export function startFitSchedule(opts: FitScheduleOptions): { stop(): Promise<void> } {
  let current: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    try {
      opts.onDone?.((await fitBktJob.run(opts.services, {})) as FitReport);
    } catch (err) {
      opts.onError?.(err);
    }
  };
  const timer = setInterval(() => {
    current = current.then(tick);
  }, opts.everyMs ?? 60 * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
}
