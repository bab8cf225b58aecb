/**
 * An instructor chooses how mastery becomes grades (policy) and which line items exist (layout). Every learner's
 * grades are then recomputed under it: a line item whose score changes gets one new score (a policy change is a
 * meaningful change, docs/decisions/0012-grade-semantics.md); the others send nothing.
 */
import { validateGradePolicy } from '../domain/gradePolicy.js';
import { enqueueScores } from './enqueueGradeChange.js';
import type { Clock } from './ports.js';
import type { GradeLineItemRepo, GradePolicy } from './servicePorts.js';

/** Validates (see `validateGradePolicy`) and saves a context's grade policy; nothing is saved when it is invalid. */
export async function setGradePolicy(deps: { lineItems: GradeLineItemRepo; clock: Clock }, policy: GradePolicy): Promise<GradePolicy> {
  const saved = validateGradePolicy(policy);
  const now = deps.clock.now();
  await deps.lineItems.savePolicy(saved, now);
  for (const { userId, objectiveIds } of await deps.lineItems.standingUsers(saved.contextId)) {
    await deps.lineItems.withGrades((tx) => enqueueScores(tx, saved.contextId, userId, objectiveIds, now, now));
  }
  return saved;
}
