/**
 * Housekeeping: deletes expired login states (after a grace period) and expired launch sessions, every `everyMs`.
 */
import { z } from 'zod';
import type { PurgeReport } from '../services/purgeExpired.js';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/main.ts). */
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

/** Options of the purge schedule. */
export interface PurgeScheduleOptions {
  services: PurgeExpiredServices;
  /** Default 10 minutes. */
  everyMs?: number;
  onDone?: (report: PurgeReport) => void;
  onError?: (err: unknown) => void;
}

/** Runs the purge every `everyMs` on an unref'd timer (never keeps the process alive); `stop` waits for a running purge. */
export function startPurgeSchedule(opts: PurgeScheduleOptions): { stop(): Promise<void> } {
  // Ticks are chained, so a slow purge delays the next one instead of overlapping it.
  let current: Promise<void> = Promise.resolve();
  const tick = async (): Promise<void> => {
    try {
      opts.onDone?.((await purgeExpiredJob.run(opts.services, {})) as PurgeReport);
    } catch (err) {
      opts.onError?.(err);
    }
  };
  const timer = setInterval(() => {
    current = current.then(tick);
  }, opts.everyMs ?? 10 * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
}
