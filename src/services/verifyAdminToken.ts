import { RateLimited } from '../domain/errors.js';
import type { Clock } from './ports.js';
import { msg } from '../domain/message.js';

/** How failed admin sign-ins are limited per client address (docs/decisions/0007-abuse-limits.md). */
export interface AdminLockoutPolicy {
  /** Failures within `windowMs` that lock the address. */
  maxFailures: number;
  windowMs: number;
  /** How long a locked address is refused, even with the right token. */
  lockMs: number;
}

/**
 * 10 wrong tokens in 15 minutes lock the address for 15 minutes: an operator mistyping is never locked, while
 * guessing a ≥ 24-character token at 40 tries an hour is hopeless. The count is per address, not per token, so a
 * lockout on a shared school address can block the real admin too (they wait, or use the CLI on the server).
 */
export const ADMIN_LOCKOUT: AdminLockoutPolicy = { maxFailures: 10, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** Failed admin sign-ins per client address hash, in the database so the lockout holds across processes. */
export interface AdminAuthFailureRepo {
  /** Until when this address is locked (epoch ms), or undefined when it has no failure on record. */
  lockedUntil(clientHash: string): Promise<number | undefined>;
  /**
   * Counts one failure in ONE statement (a stale window restarts at 1) and returns until when the address is now
   * locked (0 or a past time when it is not); also deletes other addresses' stale records.
   */
  recordFailure(clientHash: string, now: number, policy: AdminLockoutPolicy): Promise<number>;
  /** Forgets the address's failures (after a successful sign-in). */
  clear(clientHash: string): Promise<void>;
}

/** What checking an admin token needs. */
export interface VerifyAdminTokenDeps {
  failures: AdminAuthFailureRepo;
  clock: Clock;
  /** Timing-safe comparison with ADMIN_TOKEN. */
  matches: (token: string) => boolean;
  policy?: AdminLockoutPolicy;
}

const lockedError = (until: number, now: number) =>
  new RateLimited(Math.max(1, Math.ceil((until - now) / 1000)), 'Too many failed sign-ins from your network. Wait 15 minutes and try again.', msg('errors.adminLockedOut', { minutes: 15 }));

/**
 * Checks an admin token (sign-in form or bearer header) from a client address: true when it is ADMIN_TOKEN, false
 * when not (counted); throws RateLimited while the address is locked — then the token is not even compared, so a
 * locked-out guesser learns nothing, and the right token is refused too until the lockout ends.
 */
export async function verifyAdminToken(deps: VerifyAdminTokenDeps, input: { clientHash: string; token: string }): Promise<boolean> {
  const policy = deps.policy ?? ADMIN_LOCKOUT;
  const now = deps.clock.now();
  const lockedUntil = await deps.failures.lockedUntil(input.clientHash);
  if (lockedUntil !== undefined && lockedUntil > now) throw lockedError(lockedUntil, now);
  if (deps.matches(input.token)) {
    if (lockedUntil !== undefined) await deps.failures.clear(input.clientHash);
    return true;
  }
  const until = await deps.failures.recordFailure(input.clientHash, now, policy);
  if (until > now) throw lockedError(until, now);
  return false;
}
