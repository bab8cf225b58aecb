/**
 * An instructor chooses how mastery becomes grades (policy) and which line items exist (layout).
 * New grade changes use it; nothing already queued is rewritten.
 */
import { ValidationFailed } from '../domain/errors.js';
import type { GradeLineItemRepo, GradePolicy } from './servicePorts.js';

/** Validates and saves a context's grade policy. */
export async function setGradePolicy(deps: { lineItems: GradeLineItemRepo; now: () => number }, policy: GradePolicy): Promise<GradePolicy> {
  if (!policy.perObjective && !policy.perActivity) {
    throw new ValidationFailed('Choose at least one kind of grade column.', [{ path: 'layout', message: 'Pick objectives, activities or both.' }]);
  }
  if (!(Number.isFinite(policy.scoreMaximum) && policy.scoreMaximum >= 1 && policy.scoreMaximum <= 1000)) {
    throw new ValidationFailed('Points possible must be a number from 1 to 1000.', [{ path: 'scoreMaximum', message: 'From 1 to 1000.' }]);
  }
  const saved: GradePolicy = {
    ...policy,
    calculation: policy.policy === 'aggregation' ? (policy.calculation ?? { method: 'decaying_average', weight: 65, n: 3 }) : null,
  };
  await deps.lineItems.savePolicy(saved, deps.now());
  return saved;
}
