import type { ObjectiveState } from '../domain/mastery.js';
import { enqueueScores } from './enqueueGradeChange.js';
import type { LearnerStore } from './enginePorts.js';
import type { Clock } from './ports.js';
import type { GradeLineItemRepo } from './servicePorts.js';

/**
 * After the log changed the past (an answer re-graded under a new key, ADR 0016): rebuilds the projection from the
 * log, records each learner's new standing where P or the state moved, and queues the grades that change as a
 * result (one score per line item whose score changes; the grade-sync ledger shows them).
 */
export async function regradeFromLog(
  deps: { learners: LearnerStore; lineItems: GradeLineItemRepo; clock: Clock; recompute: (contextId: string) => Promise<unknown> },
  contextId: string,
): Promise<number> {
  await deps.recompute(contextId);
  const now = deps.clock.now();
  let queued = 0;
  for (const { userId, objectiveIds } of await deps.lineItems.standingUsers(contextId)) {
    const learner = await deps.learners.loadLearner(contextId, userId);
    queued += await deps.lineItems.withGrades(async (tx) => {
      const before = new Map((await tx.standings(contextId, userId, objectiveIds)).map((s) => [s.objectiveId, s]));
      for (const o of learner?.objectives ?? []) {
        const old = before.get(o.objectiveId);
        if (!old || (old.p === o.p && old.state === o.state)) continue;
        await tx.saveStanding({
          contextId,
          userId,
          objectiveId: o.objectiveId,
          objectiveKey: o.objectiveId,
          pBefore: old.p,
          pAfter: o.p,
          stateBefore: old.state as ObjectiveState,
          stateAfter: o.state,
          grade: null,
          gradeMaximum: 1,
          attemptId: `regrade-${contextId}-${now}`,
          occurredAt: now,
        });
      }
      return enqueueScores(tx, contextId, userId, objectiveIds, now, now);
    });
  }
  return queued;
}
