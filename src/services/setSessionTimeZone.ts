import { AppError } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import { timeZoneOf } from '../domain/timeZone.js';
import type { LaunchRepo } from './ports.js';

/**
 * Keeps the time zone the reader's browser reported on their launch session (ADR 0029), so pages show times in it.
 * Only a real IANA zone is kept: anything else is refused with ERR_TIME_ZONE_INVALID and nothing changes.
 */
export async function setSessionTimeZone(deps: { launches: LaunchRepo }, input: { sessionId: string; timeZone: unknown }): Promise<string> {
  const zone = timeZoneOf(input.timeZone);
  if (!zone) throw new AppError('ERR_TIME_ZONE_INVALID', 'The time zone sent is not one we know; times stay in UTC.', { said: msg('timeZone.invalid') });
  await deps.launches.setTimeZone(input.sessionId, zone);
  return zone;
}
