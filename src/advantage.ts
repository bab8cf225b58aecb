/**
 * LTI Advantage over one database: the service client (token, NRPS, AGS), the grade outbox and its drain, the
 * gradebook, and the roster. Built once by the composition root (src/compose.ts); tests and benches build extra
 * ones to play a second worker.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { createServiceClient, type AssertionSigner } from './lti/serviceClient.js';
import { createLtiServices } from './lti/services.js';
import { DEFAULT_RETRY, drainOutbox, newDrainState, type DrainReport, type RetryPolicy } from './services/drainOutbox.js';
import { makeAfterMasteryChange } from './services/enqueueGradeChange.js';
import { refreshRosterIfStale, syncRoster, type RosterSyncReport, type SyncRosterInput } from './services/syncRoster.js';
import { systemClock, type Clock } from './services/ports.js';
import { PACKAGE_VERSION } from './projectRoot.js';
import type { AfterMasteryChange } from './services/enginePorts.js';
import type { GradeLineItemRepo, GradeOutboxRepo, LtiServices, RosterRepo, ServiceContextRepo, ServiceTarget } from './services/servicePorts.js';
import type { Db } from './store/db.js';
import { gradebookRepo, serviceContextRepo } from './store/gradebookRepo.js';
import { outboxRepo } from './store/outboxRepo.js';
import { rosterRepo } from './store/rosterRepo.js';

/** `Masterly/<version>` from package.json (Canvas answers 403 to API calls without a User-Agent). */
export function userAgent(): string {
  return `Masterly/${PACKAGE_VERSION}`;
}

export interface AdvantageOptions {
  db: Db;
  signer: AssertionSigner;
  fetch?: typeof fetch;
  /** Production: LMS service URLs must be https. */
  requireHttps?: boolean;
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
  /** Told of every LMS service call (duration ms, HTTP status or 'error'), for metrics. */
  observeLmsCall?: (ms: number, status: number | 'error') => void;
}

/** The wired services. */
export interface Advantage {
  lti: LtiServices;
  outbox: GradeOutboxRepo;
  lineItems: GradeLineItemRepo;
  contexts: ServiceContextRepo;
  roster: RosterRepo;
  /** The engine's grade hook: runs inside the unit of work of a mastery change. */
  afterMasteryChange: AfterMasteryChange;
  drainOnce(opts?: { batch?: number }): Promise<DrainReport>;
  /** Drains until nothing is pending (or `deadlineMs` passes); returns the totals. */
  drainUntilIdle(opts?: { deadlineMs?: number; pauseMs?: number }): Promise<DrainReport>;
  syncRoster(input: SyncRosterInput): Promise<RosterSyncReport>;
  refreshRosterIfStale(input: SyncRosterInput & { maxAgeMs: number }): Promise<RosterSyncReport | undefined>;
  staleRosters(limit: number, maxAgeMs?: number): Promise<string[]>;
  /** Requests a fresh access token for `scopes` (install self-test); throws LmsRejected or LmsUnavailable. */
  probeToken(target: ServiceTarget, scopes: readonly string[]): Promise<void>;
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
    ...(o.requireHttps ? { requireHttps: true } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.observeLmsCall ? { observe: o.observeLmsCall } : {}),
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
    lti,
    outbox,
    lineItems,
    contexts,
    roster,
    afterMasteryChange: makeAfterMasteryChange({ clock }),
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
    syncRoster: (input) => syncRoster(rosterDeps, input),
    refreshRosterIfStale: (input) => refreshRosterIfStale(rosterDeps, input),
    staleRosters: (limit, maxAgeMs = 6 * 3600_000) => roster.stale(clock.now() - maxAgeMs, limit),
    probeToken: (target, scopes) => client.probeToken(target, scopes),
  };
  return adv;
}
