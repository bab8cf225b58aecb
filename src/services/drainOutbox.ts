/**
 * Drains the grade outbox once: leases due rows, finds or creates their line items, posts the scores,
 * and marks each row sent, due again (transient failure: exponential backoff with jitter, Retry-After
 * honoured) or failed (permanent, with a plain reason). A 404 from the LMS recreates the line item once.
 *
 * @see https://www.imsglobal.org/spec/lti-ags/v2p0#score-publish-service
 * @see docs/decisions/0003-grade-outbox.md
 */
import { LmsRejected, LmsUnavailable, LmsUrlUntrusted } from '../domain/errors.js';
import type { Clock } from './ports.js';
import type { AgsScore, GradeLineItemRepo, GradeOutboxRepo, LtiServices, OutboxEntry, ServiceContext, ServiceContextRepo } from './servicePorts.js';

/** Retry policy for transient failures. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** After this many transient failures in a row the row is marked failed ('lms_unreachable'). */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 5 * 60_000, maxAttempts: 12 };

/** Per-worker memory: platforms that asked us to wait, and line item lookups in flight. */
export interface DrainState {
  pausedUntil: Map<string, number>;
  lineItems: Map<string, Promise<string>>;
  /** Line item URLs this worker already resolved (dropped on a 404). */
  lineItemUrls: Map<string, string>;
}

export const newDrainState = (): DrainState => ({ pausedUntil: new Map(), lineItems: new Map(), lineItemUrls: new Map() });

export interface DrainOutboxDeps {
  outbox: GradeOutboxRepo;
  lineItems: GradeLineItemRepo;
  contexts: ServiceContextRepo;
  lti: LtiServices;
  clock: Clock;
  /** [0, 1) (injected randomness, for jitter). */
  random: () => number;
  retry?: RetryPolicy;
  log?: (level: 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>) => void;
}

export interface DrainOptions {
  owner: string;
  batch?: number;
  concurrency?: number;
  leaseMs?: number;
  state?: DrainState;
}

/** What one pass did. */
export interface DrainReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

/** Exponential backoff with "equal jitter": half fixed, half random; never shorter than Retry-After. */
export function backoffMs(policy: RetryPolicy, attempts: number, random: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 30));
  const jittered = exp / 2 + (exp / 2) * random;
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/** Thrown when another worker is creating the line item right now: wait a little, no attempt counted. */
class LineItemBusy extends Error {}

/**
 * A placement's column that Masterly cannot see yet: the LMS makes it (after a deep link, or for an activity added by
 * hand) and a launch announces it; Masterly never creates it. Retried with the usual backoff.
 */
class ColumnNotKnown extends Error {}

async function ensureLineItem(deps: DrainOutboxDeps, state: DrainState, ctx: ServiceContext, entry: OutboxEntry, leaseMs: number): Promise<string> {
  const key = `${entry.contextId}|${entry.itemKey}`;
  const cached = state.lineItemUrls.get(key);
  if (cached) return cached;
  const known = await deps.lineItems.get(entry.contextId, entry.itemKey);
  if (known?.url) {
    state.lineItemUrls.set(key, known.url);
    return known.url;
  }
  let pending = state.lineItems.get(key);
  if (!pending) {
    pending = (async () => {
      const now = deps.clock.now();
      const def = await deps.lineItems.definition(entry.contextId, entry.itemKey, entry.score.scoreMaximum);
      // Claimed for as long as the row's lease: if giving it back fails too (the database went away), it frees itself then.
      if (!(await deps.lineItems.claimCreation(def, now, now + leaseMs))) {
        const again = await deps.lineItems.get(entry.contextId, entry.itemKey);
        if (again?.url) return again.url;
        throw new LineItemBusy();
      }
      const lineItemsUrl = ctx.ags?.lineitems;
      try {
        // A placement's column comes from the LMS: found by its resourceId (deep link) or announced by a launch.
        if (!lineItemsUrl || !deps.lti.grants(ctx.ags, 'grades')) throw new ColumnNotKnown();
        // Find before create: after a relaunch, a crash or a deep link the LMS may already hold it.
        const found = await deps.lti.listLineItems(ctx.target, lineItemsUrl, { resourceId: def.resourceId, tag: def.tag });
        if (!found[0] && def.placed) throw new ColumnNotKnown();
        const url =
          found[0]?.id ??
          (await deps.lti.createLineItem(ctx.target, lineItemsUrl, {
            label: def.label,
            scoreMaximum: def.scoreMaximum,
            resourceId: def.resourceId,
            tag: def.tag,
          })).id;
        await deps.lineItems.setUrl(entry.contextId, entry.itemKey, url, deps.clock.now());
        state.lineItemUrls.set(key, url);
        return url;
      } catch (err) {
        // Give the claim back so the next attempt (ours or another worker's) can try again at once.
        await deps.lineItems.forget(entry.contextId, entry.itemKey, deps.clock.now()).catch(() => undefined);
        throw err;
      }
    })().finally(() => state.lineItems.delete(key));
    state.lineItems.set(key, pending);
  }
  return pending;
}

const toAgsScore = (e: OutboxEntry, timestamp: number, vendor: ServiceContext['target']['vendor']): AgsScore => ({
  userId: e.userSub,
  // Progress without a grade: Moodle and Canvas both empty the grade (no zero) unless FullyGraded.
  ...(e.score.gradingProgress === 'FullyGraded' ? { scoreGiven: e.score.scoreGiven, scoreMaximum: e.score.scoreMaximum } : {}),
  activityProgress: e.score.activityProgress,
  gradingProgress: e.score.gradingProgress,
  timestamp: new Date(timestamp).toISOString(),
  comment: e.score.comment,
  // Canvas makes every score a new submission unless told otherwise: progress must not land in "needs grading".
  ...(vendor === 'canvas' && e.score.gradingProgress !== 'FullyGraded' ? { 'https://canvas.instructure.com/lti/submission': { new_submission: false } } : {}),
});

/** 'sent' rows are marked by the caller in one go (markSentMany). */
type Outcome = 'sent' | 'retried' | 'failed';

async function sendOne(
  deps: DrainOutboxDeps,
  opts: Required<Omit<DrainOptions, 'state'>> & { state: DrainState },
  ctxCache: Map<string, Promise<ServiceContext | undefined>>,
  entry: OutboxEntry,
): Promise<Outcome> {
  const { outbox } = deps;
  const retry = deps.retry ?? DEFAULT_RETRY;
  let ctxP = ctxCache.get(entry.contextId);
  if (!ctxP) {
    ctxP = deps.contexts.get(entry.contextId);
    ctxCache.set(entry.contextId, ctxP);
  }
  const ctx = await ctxP;
  // A column whose URL Masterly knows (a placement's, from its launch) needs the score scope only ("grade sync only").
  const known = opts.state.lineItemUrls.has(`${entry.contextId}|${entry.itemKey}`) || !!(await deps.lineItems.get(entry.contextId, entry.itemKey))?.url;
  if (!ctx || !deps.lti.grants(ctx.ags, known ? 'scores' : 'grades')) {
    const placed = !!ctx && entry.itemKey.startsWith('activity:') && deps.lti.grants(ctx.ags, 'scores');
    if (!placed) {
      await outbox.markFailed(entry, opts.owner, deps.clock.now(), 'no_service', 'No AGS line items endpoint with score and line item scopes from the last launch.');
      return 'failed';
    }
  }
  const paused = opts.state.pausedUntil.get(ctx.target.platformId) ?? 0;
  if (paused > deps.clock.now()) {
    await outbox.markRetry(entry, opts.owner, deps.clock.now(), paused, null, false);
    return 'retried';
  }
  // Reserved for this send when the row was claimed (GradeOutboxRepo.claim): later than every earlier one.
  const timestamp = entry.timestamp;
  try {
    let url = await ensureLineItem(deps, opts.state, ctx, entry, opts.leaseMs);
    const post = () => deps.lti.postScore(ctx.target, url, toAgsScore(entry, timestamp, ctx.target.vendor));
    try {
      await post();
    } catch (err) {
      if (!(err instanceof LmsRejected && err.reason === 'column_deleted')) throw err;
      // The column was deleted in the LMS: recreate it once, then post again.
      deps.log?.('warn', 'line item gone; recreating it once', { contextId: entry.contextId, itemKey: entry.itemKey });
      await deps.lineItems.forget(entry.contextId, entry.itemKey, deps.clock.now());
      opts.state.lineItemUrls.delete(`${entry.contextId}|${entry.itemKey}`);
      url = await ensureLineItem(deps, opts.state, ctx, entry, opts.leaseMs);
      await post();
    }
    return 'sent';
  } catch (err) {
    const now = deps.clock.now();
    if (err instanceof LineItemBusy) {
      await outbox.markRetry(entry, opts.owner, now, now + 250, null, false);
      return 'retried';
    }
    if (err instanceof ColumnNotKnown && entry.attempts + 1 < retry.maxAttempts) {
      await outbox.markRetry(entry, opts.owner, now, now + backoffMs(retry, entry.attempts, deps.random()), 'The LMS has not announced this activity\u2019s grade column yet.', true);
      return 'retried';
    }
    if (err instanceof ColumnNotKnown) {
      await outbox.markFailed(entry, opts.owner, now, 'no_column', 'The LMS never announced this activity\u2019s grade column: launch the activity once from the course, then resend.');
      return 'failed';
    }
    if (err instanceof LmsUrlUntrusted) {
      deps.log?.('warn', 'score not sent: untrusted LMS service address', { id: entry.id, code: err.code, reason: err.reason, origin: err.origin });
      await outbox.markFailed(entry, opts.owner, now, 'url_untrusted', err.message);
      return 'failed';
    }
    if (err instanceof LmsRejected && err.reason === 'stale_timestamp' && entry.attempts + 1 < retry.maxAttempts) {
      // The LMS holds a grade stamped at or after ours (Moodle stamps progress with its own clock): send the current
      // grade again at once, further ahead each time (1 s, 2 s, 4 s… past the refused timestamp; the next claim adds 1 s).
      deps.log?.('info', 'score refused as older than the stored one; sending it again with a later timestamp', { id: entry.id, status: err.status });
      await outbox.reserveTimestamp(entry, opts.owner, timestamp + 1000 * (2 ** Math.min(entry.attempts, 10) - 1));
      await outbox.markRetry(entry, opts.owner, now, now, err.message, true);
      return 'retried';
    }
    if (err instanceof LmsRejected) {
      deps.log?.('warn', 'score refused', { id: entry.id, reason: err.reason, status: err.status });
      await outbox.markFailed(entry, opts.owner, now, err.reason, err.message);
      return 'failed';
    }
    const message = err instanceof Error ? err.message : String(err);
    const retryAfterMs = err instanceof LmsUnavailable ? err.retryAfterMs : undefined;
    if (retryAfterMs !== undefined) {
      const until = now + retryAfterMs;
      if ((opts.state.pausedUntil.get(ctx.target.platformId) ?? 0) < until) opts.state.pausedUntil.set(ctx.target.platformId, until);
    }
    if (entry.attempts + 1 >= retry.maxAttempts) {
      await outbox.markFailed(entry, opts.owner, now, 'lms_unreachable', message);
      return 'failed';
    }
    const wait = backoffMs(retry, entry.attempts, deps.random(), retryAfterMs);
    if (!(err instanceof LmsUnavailable)) deps.log?.('error', 'unexpected error while sending a score', { id: entry.id, err: message });
    await outbox.markRetry(entry, opts.owner, now, now + wait, message, true);
    return 'retried';
  }
}

/** One pass over the due rows; returns counts (claimed 0 means the outbox had nothing due). */
export async function drainOutbox(deps: DrainOutboxDeps, options: DrainOptions): Promise<DrainReport> {
  const opts = {
    owner: options.owner,
    batch: options.batch ?? 200,
    concurrency: options.concurrency ?? 16,
    leaseMs: options.leaseMs ?? 60_000,
    state: options.state ?? newDrainState(),
  };
  const entries = await deps.outbox.claim(opts.owner, deps.clock.now(), opts.batch, opts.leaseMs);
  const report: DrainReport = { claimed: entries.length, sent: 0, retried: 0, failed: 0 };
  const ctxCache = new Map<string, Promise<ServiceContext | undefined>>();
  let next = 0;
  const sent: OutboxEntry[] = [];
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++] as OutboxEntry;
      const outcome = await sendOne(deps, opts, ctxCache, entry);
      report[outcome]++;
      if (outcome === 'sent') sent.push(entry);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, entries.length) }, worker));
  } finally {
    // Marked even when another row's bookkeeping failed; if this fails too, leases expire and the same
    // scores are sent again with later timestamps (harmless: the row holds the current grade).
    if (sent.length) await deps.outbox.markSentMany(sent, opts.owner, deps.clock.now());
  }
  return report;
}
