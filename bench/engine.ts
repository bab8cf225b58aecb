/**
 * `npm run bench -- engine`: BKT update latency, the per-response projection step, recomputing
 * 1,000,000 responses through the projection, and EM on 10,000 responses.
 */
import type { BenchReport } from './run.js';
import { DEFAULT_BKT, updateMastery } from '../src/domain/bkt.js';
import { fitBkt, simulateBkt } from '../src/domain/fitBkt.js';
import { applyEvent, emptyState, project } from '../src/domain/projection.js';
import { mulberry32, replicate, syntheticCourse, syntheticEvents } from './lib/engineSim.js';

export async function run(): Promise<BenchReport> {
  const notes: string[] = [];
  // 1. The O(1) BKT step.
  const N = 5_000_000;
  let p = 0.2, sink = 0;
  const warm = 200_000;
  for (let i = 0; i < warm; i++) p = updateMastery(p, (i & 3) !== 0, DEFAULT_BKT);
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    p = updateMastery(p, (i & 3) !== 0, DEFAULT_BKT);
    sink += p;
  }
  const bktNs = ((performance.now() - t) * 1e6) / N;

  // 2. Data for the projection: 1,000,000 responses from simulated students using the engine's selection.
  const cfg = syntheticCourse();
  t = performance.now();
  const cohort = syntheticEvents(cfg, 100_000, { prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1, forget: 0 }, 2026);
  const events = replicate(cohort, 10);
  const genS = (performance.now() - t) / 1000;
  const students = new Set(events.map((e) => e.studentId)).size;
  notes.push(
    `synthetic log: ${events.length} responses from ${students} students on 8 objectives × 15 items ` +
      `(a 100,000-response cohort simulated online with the engine's own selection, replicated 10× under new ids; ${genS.toFixed(1)} s)`,
  );

  // 3. Online step: applyEvent per response (BKT + state machine + release + Elo + explanations), over a fresh fold.
  const sample = events.slice(0, 200_000);
  const st = emptyState();
  t = performance.now();
  for (const e of sample) applyEvent(st, e, cfg);
  const stepUs = ((performance.now() - t) * 1000) / sample.length;

  // 4. Recompute the whole log (explanations not kept: the config of syntheticCourse turns them off).
  // Three runs; the median is reported, wall clock and process CPU time (the latter is what matters on a shared machine).
  project(events.slice(0, 50_000), cfg); // warm-up
  const walls: number[] = [], cpus: number[] = [];
  let state = emptyState();
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    t = performance.now();
    state = project(events, cfg);
    walls.push((performance.now() - t) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[1] as number;
  const recomputeS = median(walls);
  notes.push(`recompute runs (wall s): ${walls.map((w) => w.toFixed(2)).join(', ')}; CPU s: ${cpus.map((w) => w.toFixed(2)).join(', ')}`);
  let mastered = 0;
  for (const s of state.students.values()) for (const o of Object.values(s.objectives)) if (o.state === 'mastered') mastered++;
  notes.push(`recompute result: ${mastered} student×objective pairs mastered`);

  // 5. EM on 10,000 responses (1,000 students × 10), default restarts (1 + 4).
  const seqs = simulateBkt({ prior: 0.1, learn: 0.3, guess: 0.1, slip: 0.03, forget: 0 }, 1000, 10, mulberry32(7));
  fitBkt(seqs.slice(0, 100), { kind: 'multiple_choice', seed: 1 }); // warm-up
  t = performance.now();
  const fit = fitBkt(seqs, { kind: 'multiple_choice', seed: 1 });
  const emS = (performance.now() - t) / 1000;
  notes.push(`EM fit: ${JSON.stringify(Object.fromEntries(Object.entries(fit.params).map(([k, v]) => [k, Number(v.toFixed(3))])))}, ${fit.iterations} iterations in the best restart`);
  if (sink === 42) notes.push('');

  return {
    title: 'engine: BKT, projection, EM',
    figures: [
      { name: 'BKT update (updateMastery)', value: bktNs, unit: 'ns' },
      { name: 'BKT update latency', value: bktNs / 1000, unit: 'µs', goal: { op: '<', value: 50 } },
      { name: 'projection step per response (applyEvent)', value: stepUs, unit: 'µs', goal: { op: '<', value: 50 } },
      { name: 'recompute 1,000,000 responses (wall)', value: recomputeS, unit: 's', goal: { op: '<', value: 5 } },
      { name: 'recompute 1,000,000 responses (CPU)', value: median(cpus), unit: 's', goal: { op: '<', value: 5 } },
      { name: 'EM on 10,000 responses (5 starts)', value: emS, unit: 's', goal: { op: '<', value: 2 } },
    ],
    notes,
  };
}
