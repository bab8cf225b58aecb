/**
 * The engine's afterMasteryChange hook: inside the SAME transaction as the mastery update (the unit of work's
 * `grades`), records the learner's standing and writes the wanted score of every affected line item to the grade
 * outbox. If the transaction rolls back, no grade change exists; if it commits, a worker will deliver it.
 */
import type { AfterMasteryChange, MasteryChange } from './enginePorts.js';
import { activityKey, objectiveKey, scoreFor } from './gradePolicy.js';
import type { Clock } from './ports.js';
import type { GradeTx } from './servicePorts.js';

export interface EnqueueGradeChangeDeps {
  clock: Clock;
}

/** Writes outbox rows for one mastery change in the caller's transaction; returns how many rows were queued. */
export async function enqueueGradeChange(deps: EnqueueGradeChangeDeps, tx: GradeTx, change: MasteryChange): Promise<number> {
  await tx.saveStanding(change);
  return enqueueScores(tx, change.contextId, change.userId, [change.objectiveId], change.occurredAt, deps.clock.now());
}

/**
 * Queues the wanted score of every line item covering `objectiveIds` for one learner under the context's current
 * policy (coalescing: a line item whose score would not change is not queued). Used for mastery changes and when the
 * instructor changes the policy.
 */
export async function enqueueScores(tx: GradeTx, contextId: string, userId: string, objectiveIds: readonly string[], eventAt: number, now: number): Promise<number> {
  const policy = await tx.policy(contextId);
  const targets = new Map<string, string[]>();
  for (const objectiveId of objectiveIds) {
    const activities = policy.perActivity ? await tx.activitiesWith(contextId, objectiveId) : [];
    for (const a of activities) targets.set(activityKey(a.activityId), a.objectiveIds);
    // One column per thing: no tool-managed column for an objective that a placement of its own already carries.
    const carried = activities.some((a) => a.placed && a.objectiveIds.length === 1 && a.objectiveIds[0] === objectiveId);
    if (policy.perObjective && !carried) targets.set(objectiveKey(objectiveId), [objectiveId]);
  }
  if (!targets.size) return 0;
  const ids = [...new Set([...targets.values()].flat())];
  const standings = await tx.standings(contextId, userId, ids);
  // Objectives whose grade due date has passed: their started grades are final (docs/decisions/0012-grade-semantics.md).
  const closedByDue = new Set([...(await tx.dueDates(ids))].filter(([, dueAt]) => dueAt <= now).map(([id]) => id));
  let queued = 0;
  for (const [key, covered] of targets) {
    const score = scoreFor(policy, key, covered, standings, eventAt, undefined, closedByDue);
    if ((await tx.want(contextId, userId, score, now)) === 'queued') queued++;
  }
  return queued;
}

/** The hook in the shape the engine's use-cases expect. */
export const makeAfterMasteryChange =
  (deps: EnqueueGradeChangeDeps): AfterMasteryChange =>
  async (tx, change) => {
    await enqueueGradeChange(deps, tx.grades, change);
  };
