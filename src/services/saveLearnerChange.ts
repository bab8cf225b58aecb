import type { Explanation } from '../domain/explain.js';
import type { ObjectiveState } from '../domain/mastery.js';
import { reportedGrade, type ObjectiveProgress, type StudentState } from '../domain/projection.js';
import type { AfterMasteryChange, EngineTx, LearnerProjection, MasteryChange } from './enginePorts.js';
import { POINTS_POSSIBLE, type LoadedCourse } from './engineModel.js';

/** One learner's projection after an event was applied, and what it was before. */
export interface LearnerChange {
  contextId: string;
  userId: string;
  /** The stored projection read (and locked) at the start of the transaction. */
  learner: LearnerProjection;
  /** True when the learner had no stored projection yet: every objective is written. */
  isNew: boolean;
  /** The state after the event (updated in place by the domain's applyEvent). */
  student: StudentState;
  /** Each objective's progress before the event. */
  before: ReadonlyMap<string, ObjectiveProgress>;
  explanations: readonly Explanation[];
  /** The event that caused the change (attempt id, evidence id, instructor action id). */
  eventId: string;
  at: number;
}

const sameProgress = (a: ObjectiveProgress | undefined, b: ObjectiveProgress) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * Writes the projection of one applied event inside its transaction — the learner row, the objectives whose
 * progress changed, the explanations — and tells `afterMasteryChange` (the grade outbox) of every objective whose
 * P(mastery) or state moved, in prerequisite order, in the same transaction. Every use-case that appends to the
 * log (answers, LMS evidence, instructor actions) ends with this, so the read model and the grades stay in step.
 */
export async function saveLearnerChange(
  tx: EngineTx,
  course: LoadedCourse,
  afterMasteryChange: AfterMasteryChange | undefined,
  c: LearnerChange,
): Promise<void> {
  const cfg = course.config;
  const { student, learner } = c;
  await tx.saveLearner(c.contextId, c.userId, { ability: student.ability, weights: student.weights ?? null, overrides: [...student.overrides], recentItems: student.recentItems, events: learner.events + 1 }, c.at);
  const changed = cfg.order
    .map((id) => student.objectives[id] as ObjectiveProgress)
    .filter((p) => c.isNew || !sameProgress(learner.objectives.find((o) => o.objectiveId === p.objectiveId), p));
  await tx.saveProgress(c.contextId, c.userId, changed, c.at);
  await tx.addExplanations(c.contextId, c.explanations);
  if (!afterMasteryChange) return;
  for (const id of cfg.order) {
    const b = c.before.get(id);
    const a = student.objectives[id] as ObjectiveProgress;
    const pBefore = b?.p ?? cfg.params.get(id)?.prior ?? a.p;
    const stateBefore: ObjectiveState = b?.state ?? 'locked';
    if (pBefore === a.p && stateBefore === a.state) continue;
    const change: MasteryChange = {
      contextId: c.contextId,
      userId: c.userId,
      objectiveId: id,
      objectiveKey: course.objectives.get(id)?.key ?? id,
      pBefore,
      pAfter: a.p,
      stateBefore,
      stateAfter: a.state,
      grade: reportedGrade(a, cfg),
      gradeMaximum: POINTS_POSSIBLE,
      attemptId: c.eventId,
      occurredAt: c.at,
    };
    await afterMasteryChange(tx, change);
  }
}
