/**
 * The outbox worker loop: drains the grade outbox in passes; sleeps when nothing is due; survives
 * database and LMS failures (logs, waits, goes on). Several may run against PostgreSQL; one on SQLite.
 */
import type { DrainReport } from '../services/drainOutbox.js';
import { drainGradeOutboxJob, type DrainGradeOutboxServices } from './drainGradeOutbox.job.js';

export interface OutboxWorkerOptions {
  services: DrainGradeOutboxServices;
  batch?: number;
  /** Sleep between passes when nothing was due. */
  idleMs?: number;
  /** Sleep after an unexpected error (e.g. the database is down). */
  errorMs?: number;
  onError?: (err: unknown) => void;
  onPass?: (report: DrainReport) => void;
}

/** A running worker. */
export interface OutboxWorker {
  /** Asks the loop to stop and waits for the current pass. */
  stop(): Promise<void>;
  /** Wakes the loop now (e.g. after a grade change was committed). */
  nudge(): void;
}

/** Starts the loop. */
export function startOutboxWorker(opts: OutboxWorkerOptions): OutboxWorker {
  const idleMs = opts.idleMs ?? 1000;
  const errorMs = opts.errorMs ?? 2000;
  let stopping = false;
  let wake: (() => void) | undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  const loop = (async () => {
    while (!stopping) {
      try {
        const report = (await drainGradeOutboxJob.run(opts.services, { batch: opts.batch ?? 200 })) as DrainReport;
        opts.onPass?.(report);
        if (report.claimed === 0 && !stopping) await nap(idleMs);
      } catch (err) {
        opts.onError?.(err);
        if (!stopping) await nap(errorMs);
      }
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
    },
    nudge: () => wake?.(),
  };
}
