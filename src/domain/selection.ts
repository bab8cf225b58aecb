/**
 * Next-item selection: pick the objective (a check in progress, a due retention item, a
 * prerequisite that needs review, then the frontier in prerequisite order), then the item whose
 * Elo-predicted success is nearest the target (~0.7), avoiding recently seen and flagged items.
 * Check items never repeat the previous check. Deterministic given the injected RNG.
 */
import { expectedScore, itemFlags, newItemStats, type ItemStats } from './elo.js';
import type { ObjectiveState } from './mastery.js';
import { progressOf, type CompiledConfig, type ObjectiveProgress, type StudentState } from './projection.js';
import type { Rng } from './random.js';

/** Why the item is asked: the page shows practice feedback at once, check feedback at the end. */
export type SelectionPhase = 'practice' | 'check' | 'guided' | 'retention' | 'review';

/** The chosen item. */
export interface Selection {
  readonly itemId: string;
  readonly objectiveId: string;
  readonly phase: SelectionPhase;
  /** Elo-predicted probability of a right answer. */
  readonly predicted: number;
}

/** Inputs of {@link selectNextItem}. */
export interface SelectionInput {
  readonly config: CompiledConfig;
  readonly student: StudentState;
  /** Item statistics (from `EngineState.items`); unseen items use their authored difficulty. */
  readonly itemStats: ReadonlyMap<string, ItemStats>;
  readonly now: number;
  readonly rng: Rng;
  /** Work on this objective (the student picked it on the map); otherwise the engine chooses. */
  readonly objectiveId?: string;
  /** Target probability of success; default 0.7. */
  readonly target?: number;
  /** Items within this distance of the best are equally good (random tie-break); default 0.05. */
  readonly tolerance?: number;
}

/** Rank of an objective on which no item is offered now. */
const NOT_WORKABLE = 9;

const PRIORITY: Record<ObjectiveState, number> = {
  checking: 0,
  needs_review: 2,
  reteaching: 3,
  practising: 4,
  available: 5,
  mastered: NOT_WORKABLE, // unless a retention item is due (rank 1)
  not_mastered: NOT_WORKABLE,
  locked: NOT_WORKABLE,
};

function retentionDue(p: ObjectiveProgress, now: number): boolean {
  return p.state === 'mastered' && p.retention !== null && now >= p.retention.dueAt;
}

/** Work-queue rank of an objective (lower = sooner). */
const rankOf = (p: ObjectiveProgress, now: number): number => (retentionDue(p, now) ? 1 : PRIORITY[p.state]);

/**
 * The phase an answer on an objective counts as, from the objective's progress before the answer (undefined: the
 * student has no progress yet, so the objective is new). Selection labels the items it offers with it and
 * submitResponse labels the answers it records with it, so both always agree.
 *
 * A mastered objective is 'retention' while a retention item is due and 'practice' otherwise: selection offers no
 * item then (it is not workable), but an answer that still arrives (an item issued in another tab before the
 * objective was mastered, or a second retention item after the first passed) is practice evidence for the
 * projection: it moves P and may reopen the objective, and adds no retention score.
 */
export function phaseOf(p: ObjectiveProgress | undefined, now: number): SelectionPhase {
  switch (p?.state) {
    case 'checking':
      return 'check';
    case 'reteaching':
      return 'guided';
    case 'needs_review':
      return 'review';
    case 'mastered':
      return retentionDue(p, now) ? 'retention' : 'practice';
    default:
      return 'practice';
  }
}

/** Objectives the student can work on now, most urgent first: check > retention due > review > reteach > practice, ties in prerequisite order. */
export function workableObjectives(config: CompiledConfig, student: StudentState, now: number): string[] {
  return config.order
    .map((id, i) => ({ id, i, r: rankOf(progressOf(student, id), now) }))
    .filter((x) => x.r < NOT_WORKABLE)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.id);
}

/** Picks the next item, or null when nothing is workable (or every item is excluded). */
export function selectNextItem(input: SelectionInput): Selection | null {
  const { config, student, now } = input;
  const objectiveIds = input.objectiveId ? [input.objectiveId] : workableObjectives(config, student, now);
  for (const objectiveId of objectiveIds) {
    const prog = student.objectives[objectiveId];
    if (!prog || rankOf(prog, now) >= NOT_WORKABLE) continue;
    const phase = phaseOf(prog, now);
    const pick = pickItem(input, prog, phase);
    if (pick) return { ...pick, objectiveId, phase };
  }
  return null;
}

function pickItem(input: SelectionInput, prog: ObjectiveProgress, phase: SelectionPhase): { itemId: string; predicted: number } | null {
  const { config, student, itemStats, rng } = input;
  const target = input.target ?? 0.7;
  const tol = input.tolerance ?? 0.05;
  const all = config.itemsByObjective.get(prog.objectiveId) ?? [];
  // Hard exclusions: flagged items; in a check, items already in it and items of the previous check.
  const hard = new Set<string>();
  if (phase === 'check') {
    for (const i of prog.check?.itemIds ?? []) hard.add(i);
    for (const i of prog.previousCheckItemIds) hard.add(i);
  }
  const stats = (id: string) => itemStats.get(id) ?? newItemStats(config.items.get(id)?.difficulty ?? 0);
  const usable = all.filter((id) => !hard.has(id) && itemFlags(stats(id), config.elo).length === 0);
  // Soft exclusion: recently seen items, relaxed (oldest first) when nothing else is left.
  const recent = student.recentItems;
  let pool = usable.filter((id) => !recent.includes(id));
  for (let k = 0; pool.length === 0 && k < recent.length; k++) {
    const stillRecent = new Set(recent.slice(k + 1));
    pool = usable.filter((id) => !stillRecent.has(id));
  }
  if (pool.length === 0) return null;
  const scored = pool.map((id) => {
    const predicted = expectedScore(student.ability, stats(id).difficulty, config.elo.scale);
    return { itemId: id, predicted, gap: Math.abs(predicted - target) };
  });
  const best = Math.min(...scored.map((x) => x.gap));
  const near = scored.filter((x) => x.gap <= best + tol);
  const chosen = near[Math.floor(rng.next() * near.length)];
  if (!chosen) return null;
  return { itemId: chosen.itemId, predicted: chosen.predicted };
}
