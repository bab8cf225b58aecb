/**
 * "Resend" and "resend all failed": queues ledger rows again. The row always holds the learner's current wanted
 * grade, and every send takes a fresh timestamp later than the last one sent (src/services/drainOutbox.ts
 * `nextTimestamp`), so a resend is never refused as older and never brings back an outdated grade.
 */
import type { Clock } from './ports.js';
import type { GradeOutboxRepo } from './servicePorts.js';

export interface ResendGradesDeps {
  outbox: GradeOutboxRepo;
  clock: Clock;
}

/** Queues the given rows (or every failed row of the context when `ids` is omitted); returns how many. */
export async function resendGrades(deps: ResendGradesDeps, input: { contextId: string; ids?: readonly number[] }): Promise<number> {
  return deps.outbox.resend(input.contextId, deps.clock.now(), input.ids);
}
