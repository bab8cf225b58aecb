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
  const policy = await tx.policy(change.contextId);
  const targets: { key: string; objectiveIds: string[] }[] = [];
  if (policy.perObjective) targets.push({ key: objectiveKey(change.objectiveId), objectiveIds: [change.objectiveId] });
  if (policy.perActivity) {
    for (const a of await tx.activitiesWith(change.contextId, change.objectiveId)) {
      targets.push({ key: activityKey(a.activityId), objectiveIds: a.objectiveIds });
    }
  }
  if (!targets.length) return 0;
  const ids = [...new Set(targets.flatMap((t) => t.objectiveIds))];
  const standings = await tx.standings(change.contextId, change.userId, ids);
  let queued = 0;
  const now = deps.clock.now();
  for (const t of targets) {
    const score = scoreFor(policy, t.key, t.objectiveIds, standings, change.occurredAt);
    if ((await tx.want(change.contextId, change.userId, score, now)) === 'queued') queued++;
  }
  return queued;
}

/** The hook in the shape the engine's use-cases expect. */
export const makeAfterMasteryChange =
  (deps: EnqueueGradeChangeDeps): AfterMasteryChange =>
  async (tx, change) => {
    await enqueueGradeChange(deps, tx.grades, change);
  };
