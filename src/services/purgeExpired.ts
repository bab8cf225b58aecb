import type { LaunchRepo, LoginStateRepo } from './ports.js';

/**
 * How long an unconsumed login state is kept after it expired (ms): long enough that a launch arriving just late is
 * told `state_expired` rather than `state_unknown`, short enough that abandoned or flooded logins leave within minutes.
 */
export const OPEN_STATE_GRACE_MS = 5 * 60_000;

/**
 * How long a consumed login state is kept after it expired (ms), so that a replayed id_token meets its used state
 * (`state_replayed`). Longer than the oldest accepted `iat` (LAUNCH_MAX_AGE_SECONDS ≤ 1 h) plus the clock skew
 * (≤ 5 min): after deletion a replay is still refused, its `iat` being too old for the time check, which runs first.
 * Only real launches consume states (an id_token signed by a registered platform), so these rows cannot be flooded.
 */
export const CONSUMED_STATE_KEEP_MS = 2 * 3600_000;

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
 * Housekeeping: deletes unconsumed login states expired more than OPEN_STATE_GRACE_MS ago, consumed ones expired more
 * than CONSUMED_STATE_KEEP_MS ago, and launch sessions past their expiry (no page can use them any more). Idempotent;
 * safe to run from several processes at once.
 *
 * @see https://www.imsglobal.org/spec/security/v1p0#authentication-response-validation (nonce used once)
 */
export async function purgeExpired(deps: PurgeExpiredDeps, input: { now: number }): Promise<PurgeReport> {
  const loginStates = await deps.loginStates.deleteExpired({
    openBefore: input.now - OPEN_STATE_GRACE_MS,
    consumedBefore: input.now - CONSUMED_STATE_KEEP_MS,
  });
  const sessions = await deps.launches.deleteExpiredSessions(input.now);
  return { loginStates, sessions };
}
