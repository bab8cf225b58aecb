/**
 * Composition of the LTI Advantage services (service client, NRPS, AGS, grade outbox, roster), of the services
 * the background schedules call, and the worker process entry point: `tsx src/worker.ts` (or
 * `node dist/src/worker.js`) runs every schedule of src/jobs/schedules.ts (grade outbox, roster, LMS evidence,
 * BKT fitting, purge) against DATABASE_URL, so web and worker can run as separate processes. Several workers may
 * run on PostgreSQL; one on SQLite. src/main.ts calls {@link buildAdvantage} and {@link scheduleServices} too.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../config/schema.js';
import { resolveSecrets } from '../config/secrets.js';
import { createServiceClient, type AssertionSigner, type ServiceClient } from './lti/serviceClient.js';
import { createLtiServices } from './lti/services.js';
import { createToolKeyring } from './lti/keys.js';
import { DEFAULT_RETRY, drainOutbox, newDrainState, type DrainReport, type RetryPolicy } from './services/drainOutbox.js';
import { makeAfterMasteryChange } from './services/enqueueGradeChange.js';
import { refreshRosterIfStale, syncRoster, type RosterSyncReport, type SyncRosterInput } from './services/syncRoster.js';
import { systemClock, type Clock } from './services/ports.js';
import { PACKAGE_VERSION } from './projectRoot.js';
import { buildLmsEvidenceServices } from './services/lmsEvidence.js';
import { fitObjectiveParams } from './services/fitObjectiveParams.js';
import { purgeExpired } from './services/purgeExpired.js';
import type {
  GradeLineItemRepo,
  GradeOutboxRepo,
  LtiServices,
  MasteryChange,
  RosterRepo,
  ServiceContextRepo,
} from './services/servicePorts.js';
import { migrate, openDb, type Db } from './store/db.js';
import { gradebookRepo, serviceContextRepo } from './store/gradebookRepo.js';
import { outboxRepo } from './store/outboxRepo.js';
import { rosterRepo } from './store/rosterRepo.js';
import { toolKeyRepo } from './store/toolKeyRepo.js';
import { courseRepo } from './store/courseRepo.js';
import { fitStore } from './store/instructorRepo.js';
import { launchRepo } from './store/launchRepo.js';
import { kyselyOfEngineTx, learnerStore } from './store/learnerRepo.js';
import { lmsEvidenceRepo } from './store/lmsEvidenceRepo.js';
import { loginStateRepo } from './store/loginStateRepo.js';
import { startOutboxWorker, type OutboxWorker } from './jobs/outboxWorker.js';
import { startSchedules, type RunningSchedules, type ScheduleOptions, type ScheduleServices } from './jobs/schedules.js';

/** `Masterly/<version>` from package.json (Canvas answers 403 to API calls without a User-Agent). */
export function userAgent(): string {
  return `Masterly/${PACKAGE_VERSION}`;
}

export interface AdvantageOptions {
  db: Db;
  signer: AssertionSigner;
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  retry?: RetryPolicy;
  timeoutMs?: number;
  leaseMs?: number;
  concurrency?: number;
  batch?: number;
  logger?: Logger;
  /** Unique per process (leases name their owner). */
  owner?: string;
}

/** The wired services. */
export interface Advantage {
  client: ServiceClient;
  lti: LtiServices;
  outbox: GradeOutboxRepo;
  lineItems: GradeLineItemRepo;
  contexts: ServiceContextRepo;
  roster: RosterRepo;
  /** The engine's hook: call inside the mastery transaction. */
  afterMasteryChange(trx: unknown, change: MasteryChange): Promise<void>;
  drainOnce(opts?: { batch?: number }): Promise<DrainReport>;
  /** Drains until nothing is pending (or `deadlineMs` passes); returns the totals. */
  drainUntilIdle(opts?: { deadlineMs?: number; pauseMs?: number }): Promise<DrainReport>;
  startWorker(opts?: { idleMs?: number; errorMs?: number }): OutboxWorker;
  syncRoster(input: SyncRosterInput): Promise<RosterSyncReport>;
  refreshRosterIfStale(input: SyncRosterInput & { maxAgeMs: number }): Promise<RosterSyncReport | undefined>;
  staleRosters(limit: number, maxAgeMs?: number): Promise<string[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds the services over one database. */
export function buildAdvantage(o: AdvantageOptions): Advantage {
  const clock = o.clock ?? systemClock;
  const random = o.random ?? Math.random;
  const owner = o.owner ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  const client = createServiceClient({
    signer: o.signer,
    userAgent: userAgent(),
    randomId: randomUUID,
    clock,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  const lti = createLtiServices(client);
  const outbox = outboxRepo(o.db.kysely, o.db.dialect);
  const lineItems = gradebookRepo(o.db.kysely);
  const contexts = serviceContextRepo(o.db.kysely);
  const roster = rosterRepo(o.db.kysely);
  const state = newDrainState();
  const log = o.logger;
  const drainDeps = {
    outbox,
    lineItems,
    contexts,
    lti,
    clock,
    random,
    retry: o.retry ?? DEFAULT_RETRY,
    log: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => log?.[level](data ?? {}, msg),
  };
  const drainOnce = (opts: { batch?: number } = {}) =>
    drainOutbox(drainDeps, {
      owner,
      state,
      batch: opts.batch ?? o.batch ?? 200,
      ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
    });
  const rosterDeps = { contexts, roster, lti, clock };
  const adv: Advantage = {
    client,
    lti,
    outbox,
    lineItems,
    contexts,
    roster,
    afterMasteryChange: makeAfterMasteryChange({ outbox, clock }),
    drainOnce,
    drainUntilIdle: async (opts = {}) => {
      const deadline = Date.now() + (opts.deadlineMs ?? 120_000);
      const total: DrainReport = { claimed: 0, sent: 0, retried: 0, failed: 0 };
      while (Date.now() < deadline) {
        const r = await drainOnce();
        total.claimed += r.claimed;
        total.sent += r.sent;
        total.retried += r.retried;
        total.failed += r.failed;
        if (r.claimed === 0) {
          if ((await outbox.counts()).pending === 0) break;
          await sleep(opts.pauseMs ?? 25);
        }
      }
      return total;
    },
    startWorker: (opts = {}) =>
      startOutboxWorker({
        services: { drainOutbox: (p) => drainOnce(p) },
        ...(o.batch ? { batch: o.batch } : {}),
        ...(opts.idleMs ? { idleMs: opts.idleMs } : {}),
        ...(opts.errorMs ? { errorMs: opts.errorMs } : {}),
        onError: (err) => log?.error({ err }, 'grade outbox pass failed'),
      }),
    syncRoster: (input) => syncRoster(rosterDeps, input),
    refreshRosterIfStale: (input) => refreshRosterIfStale(rosterDeps, input),
    staleRosters: (limit, maxAgeMs = 6 * 3600_000) => roster.stale(clock.now() - maxAgeMs, limit),
  };
  return adv;
}

/**
 * The services every background schedule calls, bound to one database (the same for the web process's
 * in-process schedules and the stand-alone worker).
 */
export function scheduleServices(o: { db: Db; advantage: Advantage; clock: Clock }): ScheduleServices {
  const { db, advantage: adv, clock } = o;
  const learners = learnerStore(db.kysely, db.dialect);
  const evidence = buildLmsEvidenceServices({
    evidence: lmsEvidenceRepo(db.kysely),
    contexts: adv.contexts,
    lti: adv.lti,
    courses: courseRepo(db.kysely),
    learners,
    clock,
    afterMasteryChange: (tx, change) => adv.afterMasteryChange(kyselyOfEngineTx(tx), change),
  });
  const purgeDeps = { loginStates: loginStateRepo(db.kysely), launches: launchRepo(db.kysely, db.dialect) };
  return {
    drainOutbox: (p) => adv.drainOnce(p),
    syncRoster: (input) => adv.syncRoster(input),
    staleRosters: (limit) => adv.staleRosters(limit),
    importLmsEvidence: (input) => evidence.importLmsEvidence(input),
    contextsWithMaps: () => evidence.contextsWithMaps(),
    fitObjectiveParams: (input) => fitObjectiveParams({ fits: fitStore(db.kysely), clock }, input),
    purgeExpired: (now) => purgeExpired(purgeDeps, { now: now ?? clock.now() }),
  };
}

/** Worker tuning read from the environment by the entry point (OUTBOX_*), for the fault tests and operators. */
export interface WorkerTuning {
  pgSchema?: string;
  retry?: RetryPolicy;
  leaseMs?: number;
  batch?: number;
  concurrency?: number;
  /** Per-schedule intervals (0 = off), see ScheduleOptions.every. */
  every?: ScheduleOptions['every'];
}

/** A running stand-alone worker. */
export interface RunningWorker {
  db: Db;
  schedules: RunningSchedules;
  /** Stops every schedule (waiting for work in flight) and closes the database. */
  stop(): Promise<void>;
}

/**
 * Starts the stand-alone worker: opens and migrates the database, builds the services and starts every schedule
 * of src/jobs/schedules.ts.
 */
export async function runWorker(config: Config, logger: Logger, tuning: WorkerTuning = {}): Promise<RunningWorker> {
  const secrets = resolveSecrets(config);
  const db = await openDb({ url: config.DATABASE_URL, ...(tuning.pgSchema ? { pgSchema: tuning.pgSchema } : {}) });
  try {
    await migrate(db);
    const clock = systemClock;
    const keys = createToolKeyring({ repo: toolKeyRepo(db.kysely), keyEncryptionKey: secrets.keyEncryptionKey, clock });
    const advantage = buildAdvantage({
      db,
      signer: keys,
      logger,
      retry: tuning.retry ?? DEFAULT_RETRY,
      ...(tuning.leaseMs ? { leaseMs: tuning.leaseMs } : {}),
      ...(tuning.batch ? { batch: tuning.batch } : {}),
      ...(tuning.concurrency ? { concurrency: tuning.concurrency } : {}),
    });
    const schedules = startSchedules(scheduleServices({ db, advantage, clock }), {
      ...(tuning.every ? { every: tuning.every } : {}),
      ...(tuning.batch ? { outboxBatch: tuning.batch } : {}),
      log: logger,
    });
    logger.info({ dialect: db.dialect, schedules: schedules.started }, 'Masterly worker is running');
    return {
      db,
      schedules,
      stop: async () => {
        await schedules.stop();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** Worker tuning from the environment (the entry point's only reading of it besides the config). */
/** The worker's tuning, from the parsed config (bad values already failed at start). */
function tuningFromConfig(c: Config): WorkerTuning {
  const every: NonNullable<WorkerTuning['every']> = {};
  const intervals = {
    outbox: c.OUTBOX_IDLE_MS,
    roster: c.ROSTER_EVERY_MS,
    lmsEvidence: c.LMS_EVIDENCE_EVERY_MS,
    bktFitting: c.FIT_EVERY_MS,
    purge: c.PURGE_EVERY_MS,
  } as const;
  for (const [name, v] of Object.entries(intervals) as [keyof typeof intervals, number | undefined][]) {
    if (v !== undefined) every[name] = v;
  }
  const t: WorkerTuning = { every };
  if (c.PG_SCHEMA) t.pgSchema = c.PG_SCHEMA;
  if (c.OUTBOX_RETRY_BASE_MS) t.retry = { ...DEFAULT_RETRY, baseMs: c.OUTBOX_RETRY_BASE_MS, maxMs: c.OUTBOX_RETRY_MAX_MS };
  if (c.OUTBOX_LEASE_MS) t.leaseMs = c.OUTBOX_LEASE_MS;
  if (c.OUTBOX_BATCH) t.batch = c.OUTBOX_BATCH;
  if (c.OUTBOX_CONCURRENCY) t.concurrency = c.OUTBOX_CONCURRENCY;
  return t;
}

const isEntryPoint = process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1]);
if (isEntryPoint) {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = pino({ level: config.LOG_LEVEL });
  const worker = await runWorker(config, logger, tuningFromConfig(config)).catch((err: unknown) => {
    logger.fatal({ err }, 'the Masterly worker could not start');
    process.exit(1);
  });
  process.send?.({ ready: true, schedules: worker.schedules.started });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    await worker.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
