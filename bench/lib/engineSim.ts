/**
 * Synthetic courses, students and metrics shared by bench/engine.ts and bench/model.ts.
 * Everything is seeded: the same seed gives the same data.
 */
import { applyEvent, compileConfig, emptyState, type CompiledConfig, type StudentEvent, type StudentState } from '../../src/domain/projection.js';
import { mulberry32, type Rng } from '../../src/domain/random.js';
import { selectNextItem } from '../../src/domain/selection.js';
import { predictCorrect, updateMastery, type BktParams } from '../../src/domain/bkt.js';

/** A fractions-like course: 8 objectives in a small DAG, `itemsPerObjective` items each. */
export function syntheticCourse(itemsPerObjective = 15): CompiledConfig {
  const deps: Record<string, string[]> = { o1: [], o2: ['o1'], o3: ['o1'], o4: ['o2'], o5: ['o2', 'o3'], o6: ['o4'], o7: ['o5'], o8: ['o6', 'o7'] };
  const objectives = Object.entries(deps).map(([id, prerequisites]) => ({ id, title: `Objective ${id}`, prerequisites }));
  const items = objectives.flatMap((o) =>
    Array.from({ length: itemsPerObjective }, (_, i) => ({ id: `${o.id}-i${i}`, objectiveIds: [o.id], difficulty: (i - itemsPerObjective / 2) * 30 })),
  );
  return compileConfig({ objectives, items, keepExplanations: false });
}

/**
 * Generates `total` response events from simulated students who work through the course with the
 * engine's own selection; each student's hidden knowledge per objective follows BKT with `truth`.
 */
export function syntheticEvents(cfg: CompiledConfig, total: number, truth: BktParams, seed: number): StudentEvent[] {
  const rng = mulberry32(seed);
  const state = emptyState();
  const events: StudentEvent[] = [];
  let s = 0;
  let at = Date.UTC(2026, 0, 5);
  while (events.length < total) {
    const studentId = `stu${s++}`;
    const known = new Map<string, boolean>();
    for (let k = 0; k < 150 && events.length < total; k++) {
      const student = state.students.get(studentId) as StudentState | undefined;
      const sel = student
        ? selectNextItem({ config: cfg, student, itemStats: state.items, now: at, rng })
        : { itemId: `${cfg.order[0]}-i0`, objectiveId: cfg.order[0] as string };
      if (!sel) break;
      const o = sel.objectiveId;
      if (!known.has(o)) known.set(o, rng.next() < truth.prior);
      const kn = known.get(o) as boolean;
      const correct = kn ? rng.next() >= truth.slip : rng.next() < truth.guess;
      if (!kn && rng.next() < truth.learn) known.set(o, true);
      at += 30_000;
      const ev: StudentEvent = { type: 'response', id: `${studentId}-${k}`, studentId, itemId: sel.itemId, correct, at };
      events.push(ev);
      applyEvent(state, ev, cfg);
    }
  }
  return events;
}

/**
 * Repeats a log `times` times with renamed students and attempts (`…#k`), so a simulated cohort can be
 * scaled to a million responses without simulating every student online.
 */
export function replicate(events: readonly StudentEvent[], times: number): StudentEvent[] {
  const out: StudentEvent[] = [];
  for (let k = 0; k < times; k++) {
    for (const e of events) out.push({ ...e, id: `${e.id}#${k}`, studentId: `${e.studentId}#${k}` });
  }
  return out;
}

/** Area under the ROC curve by ranks (Mann–Whitney U), ties given their average rank. */
export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let pos = 0, neg = 0, rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k] as number]) rankSum += avgRank;
    i = j + 1;
  }
  for (const l of labels) if (l) pos++;
  else neg++;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Next-response predictions on held-out sequences: P(correct) before each response, from the responses before it. */
export function nextResponsePredictions(seqs: readonly (readonly boolean[])[], params: BktParams): { scores: number[]; labels: boolean[] } {
  const scores: number[] = [];
  const labels: boolean[] = [];
  for (const seq of seqs) {
    let p = params.prior;
    for (const r of seq) {
      scores.push(predictCorrect(p, params));
      labels.push(r);
      p = updateMastery(p, r, params);
    }
  }
  return { scores, labels };
}

/** Re-export for benches that need a seeded RNG. */
export { mulberry32, type Rng };
