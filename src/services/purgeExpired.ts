import type { LaunchRepo, LoginStateRepo } from './ports.js';

/**
 * How long an expired login state is kept (ms). Consumed states stay until then so that a replayed id_token meets
 * its used state (`state_replayed`); after deletion a replay is still refused: its state is unknown and its `iat`
 * is far older than LAUNCH_MAX_AGE_SECONDS (≤ 1 h) plus the clock skew, which the time check rejects first.
 */
export const LOGIN_STATE_GRACE_MS = 24 * 3600_000;

/** What the purge needs. */
export interface PurgeExpiredDeps {
  loginStates: Pick<LoginStateRepo, 'deleteExpired'>;
  launches: Pick<LaunchRepo, 'deleteExpiredSessions'>;
}

/** How many rows a purge deleted. */
export interface PurgeReport {
  loginStates: number;
  sessions: number;
}

/**
 * Housekeeping: deletes login states that expired more than `graceMs` before `now`, and launch sessions past their
 * expiry (no page can use them any more). Idempotent; safe to run from several processes at once.
 *
 * @see https://www.imsglobal.org/spec/security/v1p0#authentication-response-validation (nonce used once)
 */
export async function purgeExpired(deps: PurgeExpiredDeps, input: { now: number; graceMs?: number }): Promise<PurgeReport> {
  const grace = input.graceMs ?? LOGIN_STATE_GRACE_MS;
  const loginStates = await deps.loginStates.deleteExpired(input.now - grace);
  const sessions = await deps.launches.deleteExpiredSessions(input.now);
  return { loginStates, sessions };
}
