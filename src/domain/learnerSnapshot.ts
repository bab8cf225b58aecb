/**
 * Restoring one learner's slice of the projection from storage, so a submission can apply one event
 * with `applyEvent` without replaying the log. Pure; the shapes are the projection's own.
 */
import type { CompiledConfig, EngineState, ObjectiveProgress, StudentState } from './projection.js';
import { emptyState, newObjectiveProgress, startingP } from './projection.js';
import type { ItemStats } from './elo.js';
import type { Accommodations } from './release.js';

/** What storage keeps of a learner (see src/services/enginePorts.ts LearnerProjection). */
export interface LearnerSlice {
  readonly ability: number;
  readonly overrides: readonly string[];
  readonly recentItems: readonly string[];
  readonly objectives: readonly ObjectiveProgress[];
  /** The learner's accommodations in force (the latest `accommodations_set`), or null / absent for none. */
  readonly accommodations?: Accommodations | null;
  /** Under the course model (ADR 0028): the ability weights; null / absent: the prior. */
  readonly weights?: readonly number[] | null;
}

/**
 * An engine state holding one learner (when `slice` is given) and the given item statistics.
 * Objectives the course gained since the slice was saved start fresh; objectives it lost are dropped.
 * Without a slice the learner is absent, and `applyEvent` creates them exactly as `project` would.
 */
export function restoreState(config: CompiledConfig, studentId: string, slice: LearnerSlice | undefined, items: ReadonlyMap<string, ItemStats>): EngineState {
  const state = emptyState();
  state.model = config.model;
  for (const [id, s] of items) state.items.set(id, { ...s });
  if (!slice) return state;
  const saved = new Map(slice.objectives.map((o) => [o.objectiveId, o]));
  const objectives: Record<string, ObjectiveProgress> = {};
  const student: StudentState = {
    studentId,
    // Idempotency across submissions is the log's UNIQUE attempt_id; within this state nothing is applied yet.
    applied: new Set<string>(),
    ability: slice.ability,
    objectives,
    overrides: new Set(slice.overrides),
    recentItems: [...slice.recentItems],
    accommodations: slice.accommodations ? { ...slice.accommodations } : null,
  };
  if (slice.weights) student.weights = [...slice.weights];
  for (const id of config.order) {
    const prior = startingP(state, config, id);
    const prog = structuredClone(saved.get(id) ?? newObjectiveProgress(id, prior));
    // As in a replay of a `params_fitted` / `model_fitted` event: an objective not answered yet starts from the prior in force.
    if (prog.responses === 0) prog.p = prior;
    objectives[id] = prog;
  }
  state.students.set(studentId, student);
  return state;
}
