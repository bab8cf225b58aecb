/**
 * The one list of background schedules: the grade outbox worker, roster sync, LMS-evidence import, BKT fitting
 * and the purge of expired login states and sessions. The web process (src/main.ts, in-process) and the
 * stand-alone worker (src/worker.ts) both start them through {@link startSchedules}, so a deployment may run
 * them in either place, or several workers on PostgreSQL (each job is idempotent; the outbox uses leases).
 */
import type { DrainReport } from '../services/drainOutbox.js';
import type { FitReport } from '../services/fitObjectiveParams.js';
import type { PurgeReport } from '../services/purgeExpired.js';
import type { DrainGradeOutboxServices } from './drainGradeOutbox.job.js';
import { startFitSchedule, type FitBktServices } from './fitBkt.job.js';
import { startLmsEvidenceSchedule, type ImportLmsEvidenceServices } from './importLmsEvidence.job.js';
import { startOutboxWorker, type OutboxWorker } from './outboxWorker.js';
import { startPurgeSchedule, type PurgeExpiredServices } from './purgeExpired.job.js';
import { startRosterSchedule } from './rosterSchedule.js';
import type { SyncRosterServices } from './syncRoster.job.js';

/** Every service the schedules call (bound by the composition root). */
export type ScheduleServices = DrainGradeOutboxServices & SyncRosterServices & ImportLmsEvidenceServices & FitBktServices & PurgeExpiredServices;

/** The schedules by name (also the keys of {@link ScheduleOptions.every}). */
export const SCHEDULES = ['outbox', 'roster', 'lmsEvidence', 'bktFitting', 'purge'] as const;
/** One schedule's name. */
export type ScheduleName = (typeof SCHEDULES)[number];

/** Options: how often each schedule runs (0 = not in this process; absent = its default). */
export interface ScheduleOptions {
  /**
   * Interval per schedule in ms; for `outbox` the idle sleep between empty passes. Defaults: outbox 1 s,
   * roster 15 min, lmsEvidence 15 min, bktFitting 1 h, purge 10 min.
   */
  every?: Partial<Record<ScheduleName, number>>;
  /** Outbox pass size. */
  outboxBatch?: number;
  /** Where the schedules report (a pino logger fits). */
  log?: { info(data: object, msg: string): void; warn(data: object, msg: string): void; error(data: object, msg: string): void };
}

/** The running schedules. */
export interface RunningSchedules {
  /** Names of the schedules started in this process. */
  readonly started: readonly ScheduleName[];
  /** The grade outbox worker when it runs here (nudge it after committing grade changes). */
  readonly outbox: OutboxWorker | undefined;
  /** Stops every schedule, waiting for the work in flight. */
  stop(): Promise<void>;
}

/** Starts every schedule not turned off with `every[name] = 0`. */
export function startSchedules(services: ScheduleServices, opts: ScheduleOptions = {}): RunningSchedules {
  const every = opts.every ?? {};
  const on = (name: ScheduleName) => every[name] !== 0;
  const ms = (name: ScheduleName) => (every[name] ? { everyMs: every[name] } : {});
  const log = opts.log;
  const stoppers: (() => Promise<void>)[] = [];
  const started: ScheduleName[] = [];

  let outbox: OutboxWorker | undefined;
  if (on('outbox')) {
    outbox = startOutboxWorker({
      services,
      ...(opts.outboxBatch ? { batch: opts.outboxBatch } : {}),
      ...(every.outbox ? { idleMs: every.outbox } : {}),
      onError: (err) => log?.error({ err }, 'grade outbox pass failed'),
      onPass: (r: DrainReport) => (r.failed ? log?.warn({ ...r }, 'grade outbox pass had permanent failures') : undefined),
    });
    const w = outbox;
    stoppers.push(() => w.stop());
    started.push('outbox');
  }
  if (on('roster')) {
    const s = startRosterSchedule({ services, ...ms('roster'), onError: (err, contextId) => log?.warn({ err, contextId }, 'roster sync failed') });
    stoppers.push(() => s.stop());
    started.push('roster');
  }
  if (on('lmsEvidence')) {
    const s = startLmsEvidenceSchedule({ services, ...ms('lmsEvidence'), onError: (err, contextId) => log?.warn({ err, contextId }, 'importing LMS grades as evidence failed') });
    stoppers.push(() => s.stop());
    started.push('lmsEvidence');
  }
  if (on('bktFitting')) {
    const s = startFitSchedule({
      services,
      ...ms('bktFitting'),
      onDone: (r: FitReport) => (r.fitted ? log?.info({ fitted: r.fitted, millis: r.millis }, 'fitted BKT parameters') : undefined),
      onError: (err) => log?.warn({ err }, 'fitting BKT parameters failed'),
    });
    stoppers.push(() => s.stop());
    started.push('bktFitting');
  }
  if (on('purge')) {
    const s = startPurgeSchedule({
      services,
      ...ms('purge'),
      onDone: (r: PurgeReport) => (r.loginStates || r.sessions ? log?.info({ ...r }, 'purged expired login states and sessions') : undefined),
      onError: (err) => log?.warn({ err }, 'purging expired login states and sessions failed'),
    });
    stoppers.push(() => s.stop());
    started.push('purge');
  }
  return {
    started,
    outbox,
    stop: async () => {
      await Promise.all(stoppers.map((stop) => stop()));
    },
  };
}
