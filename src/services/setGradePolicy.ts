/**
 * An instructor chooses how mastery becomes grades (policy) and which line items exist (layout).
 * New grade changes use it; nothing already queued is rewritten.
 */
import { validateGradePolicy } from '../domain/gradePolicy.js';
import type { Clock } from './ports.js';
import type { GradeLineItemRepo, GradePolicy } from './servicePorts.js';

/** Validates (see `validateGradePolicy`) and saves a context's grade policy; nothing is saved when it is invalid. */
export async function setGradePolicy(deps: { lineItems: GradeLineItemRepo; clock: Clock }, policy: GradePolicy): Promise<GradePolicy> {
  const saved = validateGradePolicy(policy);
  await deps.lineItems.savePolicy(saved, deps.clock.now());
  return saved;
}
