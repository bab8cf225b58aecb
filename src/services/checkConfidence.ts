/**
 * How sure a student is before a mastery check, asked once as the check begins and shown beside its result
 * (docs/decisions/0024-student-goals-confidence-badges.md). Kept apart from the event log: it never changes a
 * mastery decision, a grade or the replay.
 */
import type { Clock } from './ports.js';
import { CONFIDENCES, type Confidence, type StudentGoalStore } from './studentGoalPorts.js';

export const isConfidence = (v: unknown): v is Confidence => typeof v === 'string' && (CONFIDENCES as readonly string[]).includes(v);

/** Records the student's confidence for the check that began at `checkStartedAt`; a first answer is never replaced. */
export async function saveCheckConfidence(
  deps: { goals: StudentGoalStore; clock: Clock },
  input: { contextId: string; userId: string; objectiveId: string; checkStartedAt: number; confidence: Confidence },
): Promise<boolean> {
  return deps.goals.saveConfidence({ ...input, at: deps.clock.now() });
}

/** The confidence said for a check, if any. */
export async function checkConfidence(deps: { goals: StudentGoalStore }, input: { contextId: string; userId: string; objectiveId: string; checkStartedAt: number }): Promise<Confidence | undefined> {
  const said = await deps.goals.confidence(input.contextId, input.userId, input.objectiveId, input.checkStartedAt);
  return isConfidence(said) ? said : undefined;
}
