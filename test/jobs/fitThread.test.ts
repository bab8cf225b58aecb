import { describe, expect, it } from 'vitest';
import { simulateBkt } from '../../src/domain/fitBkt.js';
import type { CourseSequence } from '../../src/domain/fitItems.js';
import { mulberry32 } from '../../src/domain/random.js';
import { threadFits } from '../../src/jobs/fitThread.js';
import { inThreadFits } from '../../src/services/fitObjectiveParams.js';

const GENERATING = { prior: 0.3, learn: 0.2, guess: 0.12, slip: 0.08, forget: 0 };

/** Counts turns of the event loop until `work` settles: 0 means it held the thread from start to end. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await work();
  running = false;
  return { value, turns };
}

describe('learner-model fits on a worker thread (the web process keeps answering while a course is fitted)', () => {
  const seqs = simulateBkt(GENERATING, 150, 8, mulberry32(11));
  const learners: CourseSequence[] = seqs.map((s, u) => s.map((correct, i) => ({ objectiveId: 'A', itemId: `A-${i % 4}`, correct, at: 1_700_000_000_000 + u * 1000 + i * 60_000 })));
  const objectives = new Map([['A', { params: GENERATING, kind: 'multiple_choice' as const }]]);

  it('gives the same objective fit and course model as on the calling thread', async () => {
    const opts = { kind: 'multiple_choice' as const, seed: 7 };
    expect(await threadFits.fitObjective(seqs, opts)).toEqual(await inThreadFits.fitObjective(seqs, opts));
    expect(await threadFits.fitCourseModel(learners, objectives)).toEqual(await inThreadFits.fitCourseModel(learners, objectives));
  });

  it('leaves the event loop turning while it fits, where fitting on the calling thread holds it throughout', async () => {
    const onThread = await turnsDuring(() => threadFits.fitCourseModel(learners, objectives));
    const here = await turnsDuring(() => inThreadFits.fitCourseModel(learners, objectives));
    expect(onThread.value).toEqual(here.value);
    expect(here.turns).toBe(0);
    expect(onThread.turns).toBeGreaterThan(10);
  });
});
