/**
 * The one list of background schedules: the grade outbox, roster sync, LMS-evidence import, BKT fitting and the
 * purge of expired login states and sessions. The web process (in-process) and the stand-alone worker
 * (src/worker.ts) both start them through {@link startSchedules}, with intervals the composition root
 * (src/compose.ts) derives from the config, so a deployment may run them in either place, or several workers on
 * PostgreSQL (each job is idempotent; the outbox uses leases). Every schedule runs on {@link every}: ticks never
 * overlap, and a failing tick (a database outage) backs its schedule off until it succeeds again.
 */
import { drainGradeOutboxJob, type DrainGradeOutboxServices } from './drainGradeOutbox.job.js';
import { every, type Every, type ScheduleLog } from './every.js';
import { fitBktJob, type FitBktServices } from './fitBkt.job.js';
import { importLmsEvidenceJob, type ImportLmsEvidenceServices } from './importLmsEvidence.job.js';
import { purgeExpiredJob, type PurgeExpiredServices } from './purgeExpired.job.js';
import { alertDigestJob, type AlertDigestServices } from './alertDigest.job.js';
import { purgeInactiveCoursesJob, type PurgeInactiveServices } from './purgeInactiveCourses.job.js';
import { syncRosterJob, type SyncRosterServices } from './syncRoster.job.js';

/** Every service the schedules call (bound by the composition root). */
export type ScheduleServices = DrainGradeOutboxServices &
  SyncRosterServices &
  ImportLmsEvidenceServices &
  FitBktServices &
  PurgeExpiredServices &
  PurgeInactiveServices &
  AlertDigestServices & {
    /** Queues the final scores of grades whose due date passed (src/services/finalGrades.ts). */
    closeDueGrades(): Promise<{ standings: number; queued: number }>;
  };

/** The schedules by name (also the keys of {@link ScheduleOptions.every}). */
export const SCHEDULES = ['outbox', 'roster', 'lmsEvidence', 'bktFitting', 'purge', 'retention', 'alertDigest', 'gradeDue'] as const;
/** One schedule's name. */
export type ScheduleName = (typeof SCHEDULES)[number];

/** Each schedule's interval when the config leaves it unset (ms; for `outbox` the sleep after an empty pass). */
export const DEFAULT_EVERY: Readonly<Record<ScheduleName, number>> = {
  outbox: 1000,
  roster: 15 * 60_000,
  lmsEvidence: 15 * 60_000,
  bktFitting: 60 * 60_000,
  purge: 10 * 60_000,
  retention: 6 * 3600_000,
  alertDigest: 24 * 3600_000,
  gradeDue: 60_000,
};

/** Options: how often each schedule runs (0 = not in this process; absent = {@link DEFAULT_EVERY}). */
export interface ScheduleOptions {
  every?: Partial<Record<ScheduleName, number>>;
  /** Outbox pass size. */
  outboxBatch?: number;
  /** Longest back-off of a failing schedule (see src/jobs/every.ts). */
  maxBackoffMs?: number;
  log?: ScheduleLog;
  /** Told of every tick of every schedule and whether it succeeded (metrics). */
  observe?: (schedule: ScheduleName, ok: boolean) => void;
}

/** The running schedules. */
export interface RunningSchedules {
  /** Names of the schedules started in this process. */
  readonly started: readonly ScheduleName[];
  /** The grade outbox schedule when it runs here (nudge it after committing grade changes). */
  readonly outbox: Every | undefined;
  /** Stops every schedule, waiting for the work in flight. */
  stop(): Promise<void>;
}

type Common = { log?: ScheduleLog; maxBackoffMs?: number };
const opts = (name: string, o: Common, immediate = false) => ({
  name,
  ...(o.log ? { log: o.log } : {}),
  ...(o.maxBackoffMs ? { maxBackoffMs: o.maxBackoffMs } : {}),
  immediate,
});

/** The grade outbox: passes back to back while rows are due, then one every `idleMs`. */
export function startOutboxSchedule(services: DrainGradeOutboxServices, o: Common & { idleMs: number; batch?: number }): Every {
  return every(
    o.idleMs,
    async () => {
      const r = await drainGradeOutboxJob.run(services, { batch: o.batch ?? 200 });
      if (r.failed) o.log?.warn({ ...r }, 'grade outbox pass had permanent failures');
      return r.claimed > 0;
    },
    opts('grade outbox', o, true),
  );
}

/** What each schedule does in one tick (errors of one context are logged; the others go on). */
const TICKS: Record<Exclude<ScheduleName, 'outbox'>, (s: ScheduleServices, log: ScheduleLog | undefined) => Promise<void>> = {
  roster: async (s, log) => {
    for (const contextId of await s.staleRosters(20)) {
      await syncRosterJob.run(s, { contextId }).catch((err: unknown) => log?.warn({ err, contextId }, 'roster sync failed'));
    }
  },
  lmsEvidence: async (s, log) => {
    for (const contextId of await s.contextsWithMaps()) {
      await importLmsEvidenceJob
        .run(s, { contextId })
        .catch((err: unknown) => log?.warn({ err, contextId }, 'importing LMS grades as evidence failed'));
    }
  },
  bktFitting: async (s, log) => {
    const r = await fitBktJob.run(s, {});
    if (r.fitted) log?.info({ fitted: r.fitted, millis: r.millis }, 'fitted BKT parameters');
  },
  purge: async (s, log) => {
    const r = await purgeExpiredJob.run(s, {});
    if (r.loginStates || r.sessions) log?.info({ ...r }, 'purged expired login states and sessions');
  },
  retention: async (s, log) => {
    const r = await purgeInactiveCoursesJob.run(s, {});
    for (const c of r.courses) {
      log?.info({ contextId: c.contextId, lastActivityAt: c.lastActivityAt, people: c.people, profilesRemoved: c.profilesRemoved, rows: c.counts }, 'retention: purged the learner data of an inactive course');
    }
  },
  alertDigest: async (s, log) => {
    const r = await alertDigestJob.run(s, {});
    if (r.sent || r.failed) log?.info({ ...r }, 'sent instructor alert digests');
  },
  gradeDue: async (s, log) => {
    const r = await s.closeDueGrades();
    if (r.standings) log?.info({ ...r }, 'grade due dates passed: final grades queued');
  },
};

/** Starts every schedule not turned off with `every[name] = 0`. */
export function startSchedules(services: ScheduleServices, o: ScheduleOptions = {}): RunningSchedules {
  const ms = (name: ScheduleName) => o.every?.[name] ?? DEFAULT_EVERY[name];
  const started = SCHEDULES.filter((name) => ms(name) > 0);
  const running = new Map<ScheduleName, Every>();
  const observed = <T>(name: ScheduleName, tick: () => Promise<T>) => async (): Promise<T> => {
    try {
      const r = await tick();
      o.observe?.(name, true);
      return r;
    } catch (err) {
      o.observe?.(name, false);
      throw err;
    }
  };
  const withObserver: ScheduleServices = o.observe
    ? { ...services, drainOutbox: (p) => observed('outbox', () => services.drainOutbox(p))() }
    : services;
  for (const name of started) {
    running.set(
      name,
      name === 'outbox'
        ? startOutboxSchedule(withObserver, { ...o, idleMs: ms(name), ...(o.outboxBatch ? { batch: o.outboxBatch } : {}) })
        : every(ms(name), observed(name, () => TICKS[name](services, o.log)), opts(name, o)),
    );
  }
  return {
    started,
    outbox: running.get('outbox'),
    stop: async () => {
      await Promise.all([...running.values()].map((s) => s.stop()));
    },
  };
}
