/**
 * Composition of the LTI Advantage services (service client, NRPS, AGS, grade outbox, roster) and the
 * worker process entry point: `tsx src/worker.ts` (or `node dist/src/worker.js`) drains the grade outbox
 * and runs the roster schedule against DATABASE_URL. Several may run on PostgreSQL; one on SQLite.
 * src/main.ts calls {@link buildAdvantage} and starts the in-process worker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../config/schema.js';
import { resolveSecrets } from '../config/secrets.js';
import { createServiceClient, type AssertionSigner, type ServiceClient } from './lti/serviceClient.js';
import { createLtiServices } from './lti/services.js';
import { createToolKeyring } from './lti/keys.js';
import { DEFAULT_RETRY, drainOutbox, newDrainState, type DrainReport, type RetryPolicy } from './services/drainOutbox.js';
import { makeAfterMasteryChange } from './services/enqueueGradeChange.js';
import { refreshRosterIfStale, syncRoster, type RosterSyncReport, type SyncRosterInput } from './services/syncRoster.js';
import { systemClock } from './services/ports.js';
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
import { startOutboxWorker, type OutboxWorker } from './jobs/outboxWorker.js';
import { startRosterSchedule } from './jobs/rosterSchedule.js';

/** `Masterly/<version>` from package.json (Canvas answers 403 to API calls without a User-Agent). */
export function userAgent(): string {
  let dir = import.meta.dirname;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'masterly' && pkg.version) return `Masterly/${pkg.version}`;
    }
    dir = path.dirname(dir);
  }
  return 'Masterly/0.0.0';
}

export interface AdvantageOptions {
  db: Db;
  signer: AssertionSigner;
  fetch?: typeof fetch;
  now?: () => number;
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
  const now = o.now ?? (() => systemClock.now().getTime());
  const random = o.random ?? Math.random;
  const owner = o.owner ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  const client = createServiceClient({
    signer: o.signer,
    userAgent: userAgent(),
    randomId: randomUUID,
    now,
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
    now,
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
  const rosterDeps = { contexts, roster, lti, now };
  const adv: Advantage = {
    client,
    lti,
    outbox,
    lineItems,
    contexts,
    roster,
    afterMasteryChange: makeAfterMasteryChange({ outbox, now }),
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
    staleRosters: (limit, maxAgeMs = 6 * 3600_000) => roster.stale(now() - maxAgeMs, limit),
  };
  return adv;
}

const isEntryPoint = process.argv[1] && import.meta.filename === fs.realpathSync(process.argv[1]);
if (isEntryPoint) {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.LOG_LEVEL });
  const secrets = resolveSecrets(config);
  const pgSchema = process.env.PG_SCHEMA;
  const db = await openDb({ url: config.DATABASE_URL, ...(pgSchema ? { pgSchema } : {}) });
  await migrate(db);
  const keys = createToolKeyring({ repo: toolKeyRepo(db.kysely), keyEncryptionKey: secrets.keyEncryptionKey, clock: systemClock });
  const retry = process.env.OUTBOX_RETRY_BASE_MS
    ? { ...DEFAULT_RETRY, baseMs: Number(process.env.OUTBOX_RETRY_BASE_MS), maxMs: Number(process.env.OUTBOX_RETRY_MAX_MS ?? 2000) }
    : DEFAULT_RETRY;
  const adv = buildAdvantage({
    db,
    signer: keys,
    logger,
    retry,
    ...(process.env.OUTBOX_LEASE_MS ? { leaseMs: Number(process.env.OUTBOX_LEASE_MS) } : {}),
    ...(process.env.OUTBOX_BATCH ? { batch: Number(process.env.OUTBOX_BATCH) } : {}),
    ...(process.env.OUTBOX_CONCURRENCY ? { concurrency: Number(process.env.OUTBOX_CONCURRENCY) } : {}),
  });
  const worker = adv.startWorker({ idleMs: Number(process.env.OUTBOX_IDLE_MS ?? 1000) });
  const schedule = startRosterSchedule({
    services: { syncRoster: adv.syncRoster, staleRosters: (n) => adv.staleRosters(n) },
    onError: (err, contextId) => logger.warn({ err, contextId }, 'roster sync failed'),
  });
  logger.info({ dialect: db.dialect }, 'Masterly worker is running');
  process.send?.({ ready: true });
  const stop = async () => {
    await worker.stop();
    await schedule.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
