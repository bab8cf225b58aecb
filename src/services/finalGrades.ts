/**
 * When a grade is final although not mastered (docs/decisions/0012-grade-semantics.md): an objective's grade due date
 * passed, or the instructor finalised the course's grades. Both re-queue the affected learners' scores under the
 * policy; `scoreFor` then sends `FullyGraded` with the policy's current value for every started column.
 */
import { enqueueScores } from './enqueueGradeChange.js';
import type { Clock } from './ports.js';
import type { AuditActor, AuditLog } from './privacyPorts.js';
import type { GradeLineItemRepo } from './servicePorts.js';

export interface FinalGradesDeps {
  lineItems: GradeLineItemRepo;
  clock: Clock;
  audit?: AuditLog;
}

/**
 * The due-date schedule's tick: every started standing whose objective's due date passed gets its final score queued
 * once (at most `limit` standings per tick; the next tick goes on). Returns how many scores were queued.
 */
export async function closeDueGrades(deps: FinalGradesDeps, input: { limit?: number } = {}): Promise<{ standings: number; queued: number }> {
  const now = deps.clock.now();
  const due = await deps.lineItems.dueStandings(now, input.limit ?? 500);
  const byLearner = new Map<string, { contextId: string; userId: string; objectiveIds: string[] }>();
  for (const d of due) {
    const k = `${d.contextId}\u0000${d.userId}`;
    const l = byLearner.get(k) ?? { contextId: d.contextId, userId: d.userId, objectiveIds: [] };
    l.objectiveIds.push(d.objectiveId);
    byLearner.set(k, l);
  }
  let queued = 0;
  for (const l of byLearner.values()) queued += await deps.lineItems.withGrades((tx) => enqueueScores(tx, l.contextId, l.userId, l.objectiveIds, now, now));
  await deps.lineItems.markDueClosed(due, now);
  return { standings: due.length, queued };
}

/**
 * The instructor finalises the course's grades (`finalise: true`: every started column becomes `FullyGraded` with its
 * current value) or reopens them (`false`: columns not final by mastery or a due date go back to progress with no
 * grade, as before). Recorded on the policy (`finalisedAt`) and in the audit log. Returns how many scores were queued.
 */
export async function finaliseGrades(deps: FinalGradesDeps, input: { contextId: string; finalise: boolean; actor?: AuditActor }): Promise<number> {
  const now = deps.clock.now();
  const policy = await deps.lineItems.getPolicy(input.contextId);
  await deps.lineItems.savePolicy({ ...policy, finalisedAt: input.finalise ? now : null }, now);
  let queued = 0;
  for (const { userId, objectiveIds } of await deps.lineItems.standingUsers(input.contextId)) {
    queued += await deps.lineItems.withGrades((tx) => enqueueScores(tx, input.contextId, userId, objectiveIds, now, now));
  }
  await deps.audit?.record({ action: input.finalise ? 'grades_finalised' : 'grades_reopened', actor: input.actor ?? { kind: 'system' }, contextId: input.contextId, details: { grades: queued } }, now);
  return queued;
}
