import type { Clock, LaunchRepo, LaunchSession } from './ports.js';

/** The live launch session with this id, or undefined when unknown or expired. */
export async function getSession(deps: { launches: LaunchRepo; clock: Clock }, id: string): Promise<LaunchSession | undefined> {
  return deps.launches.findSession(id, deps.clock.now());
}
