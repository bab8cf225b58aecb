/**
 * The grade each objective of one student has in the LMS, computed exactly as the outbox computes it (same policy,
 * same standings, same scale), and the line saying how — so the instructor's pages show what the gradebook holds.
 */
import { activityKey, objectiveKey, policyLine, scoreFor } from './gradePolicy.js';
import type { GradeLineItemRepo } from './servicePorts.js';

/** One objective's grade as the LMS holds it: points out of `maximum`, or null while it carries no grade. */
export interface StudentObjectiveGrade {
  score: number | null;
  maximum: number;
  comment: string;
}

/** Every objective's LMS grade for one student (objectives not started carry none), and how it is computed. */
export async function studentGrades(
  deps: { lineItems: GradeLineItemRepo },
  input: { contextId: string; userId: string; objectiveIds: readonly string[] },
): Promise<{ byObjective: Map<string, StudentObjectiveGrade>; how: string; activities: (StudentObjectiveGrade & { title: string })[] }> {
  const [policy, standings] = await Promise.all([deps.lineItems.getPolicy(input.contextId), deps.lineItems.standingsOf(input.contextId, input.userId)]);
  const byObjective = new Map<string, StudentObjectiveGrade>();
  // Final as the outbox decides it: mastered, or closed by a passed due date or the instructor's finalising.
  const now = Date.now();
  const dues = await deps.lineItems.withGrades((tx) => tx.dueDates(input.objectiveIds));
  const closedByDue = new Set([...dues].filter(([, dueAt]) => dueAt <= now).map(([id]) => id));
  for (const id of input.objectiveIds) {
    const s = scoreFor(policy, objectiveKey(id), [id], standings, 0, undefined, closedByDue);
    byObjective.set(id, { score: s.gradingProgress === 'FullyGraded' ? s.scoreGiven : null, maximum: s.scoreMaximum, comment: s.comment });
  }
  // Each activity's own column (ADR 0014), as the outbox computes it.
  const activities = policy.perActivity
    ? (await deps.lineItems.listActivities(input.contextId))
        .filter((a) => a.placed)
        .map((a) => {
          const s = scoreFor(policy, activityKey(a.activityId), a.objectiveIds, standings, 0, undefined, closedByDue);
          return { title: a.title, score: s.gradingProgress === 'FullyGraded' ? s.scoreGiven : null, maximum: s.scoreMaximum, comment: s.comment };
        })
    : [];
  return { byObjective, how: policyLine(policy), activities };
}
