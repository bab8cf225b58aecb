/**
 * An instructor chooses how mastery becomes grades (policy) and which line items exist (layout). Every learner's
 * grades are then recomputed under it: a line item whose score changes gets one new score (a policy change is a
 * meaningful change, docs/decisions/0012-grade-semantics.md); the others send nothing.
 */
import { validateGradePolicy } from '../domain/gradePolicy.js';
import { enqueueScores } from './enqueueGradeChange.js';
import type { Clock } from './ports.js';
import type { GradeLineItemRepo, GradePolicy } from './servicePorts.js';
import type { AuditActor, AuditLog } from './privacyPorts.js';

/**
 * Validates (see `validateGradePolicy`) and saves a context's grade policy; nothing is saved when it is invalid.
 * With an audit log the change is recorded with who made it.
 */
export async function setGradePolicy(
  deps: { lineItems: GradeLineItemRepo; clock: Clock; audit?: AuditLog },
  policy: GradePolicy,
  actor: AuditActor = { kind: 'system' },
): Promise<GradePolicy> {
  const saved = validateGradePolicy(policy);
  const now = deps.clock.now();
  await deps.lineItems.savePolicy(saved, now);
  await deps.audit?.record(
    {
      action: 'grade_policy_set',
      actor,
      contextId: saved.contextId,
      details: { policy: saved.policy, perObjective: saved.perObjective, perActivity: saved.perActivity, scoreMaximum: saved.scoreMaximum, language: saved.language ?? null },
    },
    now,
  );
  for (const { userId, objectiveIds } of await deps.lineItems.standingUsers(saved.contextId)) {
    await deps.lineItems.withGrades((tx) => enqueueScores(tx, saved.contextId, userId, objectiveIds, now, now));
  }
  return saved;
}
