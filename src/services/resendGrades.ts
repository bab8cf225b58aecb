/**
 * "Resend" and "resend all failed": queues ledger rows again with their wanted score and the SAME
 * timestamp (the time of the mastery event), so a resend can never overtake a newer grade.
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
