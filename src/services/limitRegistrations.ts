import { RateLimited } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import type { Clock } from './ports.js';
import type { AdminAuthFailureRepo, AdminLockoutPolicy } from './verifyAdminToken.js';

/**
 * 20 registration attempts per client address per hour (the 21st locks it for an hour): an LMS administrator
 * registers a few times at most, while each attempt makes the tool call out. Counted in the abuse-limits table
 * (docs/decisions/0007-abuse-limits.md) under the address's own key for registrations.
 */
export const REGISTRATION_LIMIT: AdminLockoutPolicy = { maxFailures: 21, windowMs: 3600_000, lockMs: 3600_000 };

/** Counts one registration attempt from `clientKey`; throws RateLimited (nothing called) while the address is over the limit. */
export async function limitRegistrations(deps: { attempts: AdminAuthFailureRepo; clock: Clock; policy?: AdminLockoutPolicy }, clientKey: string): Promise<void> {
  const policy = deps.policy ?? REGISTRATION_LIMIT;
  const now = deps.clock.now();
  const locked = await deps.attempts.lockedUntil(clientKey);
  const until = locked !== undefined && locked > now ? locked : await deps.attempts.recordFailure(clientKey, now, policy);
  if (until > now) {
    throw new RateLimited(Math.max(1, Math.ceil((until - now) / 1000)), 'Too many registrations from this address in the last hour.', msg('registration.rateLimited'));
  }
}
