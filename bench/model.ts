/**
 * `npm run bench -- model`: seeded synthetic students → held-out next-response AUC of the fitted
 * model beside the true-parameter model, and EM recovery error.
 */
import type { BenchReport } from './run.js';
import type { BktParams } from '../src/domain/bkt.js';
import { fitBkt, simulateBkt } from '../src/domain/fitBkt.js';
import { auc, mulberry32, nextResponsePredictions } from './lib/engineSim.js';

const KEYS = ['prior', 'learn', 'guess', 'slip'] as const;
const maxErr = (a: BktParams, b: BktParams) => Math.max(...KEYS.map((k) => Math.abs(a[k] - b[k])));
const fmt = (p: BktParams) => KEYS.map((k) => `${k} ${p[k].toFixed(3)}`).join(', ');

export async function run(): Promise<BenchReport> {
  const truth: BktParams = { prior: 0.1, learn: 0.3, guess: 0.1, slip: 0.03, forget: 0 };
  const figures: BenchReport['figures'] = [];
  const notes: string[] = [];

  // Held-out AUC: fit on 1,000 training students × 20 responses, predict 1,000 other students' next responses.
  for (const [name, t] of [
    ['recovery params', truth],
    ['defaults (MC)', { prior: 0.2, learn: 0.15, guess: 0.2, slip: 0.1, forget: 0 }],
  ] as const) {
    const train = simulateBkt(t, 1000, 20, mulberry32(11));
    const test = simulateBkt(t, 1000, 20, mulberry32(12));
    const fit = fitBkt(train, { kind: 'multiple_choice', seed: 5 });
    const pf = nextResponsePredictions(test, fit.params);
    const pt = nextResponsePredictions(test, t);
    const aFit = auc(pf.scores, pf.labels);
    const aTrue = auc(pt.scores, pt.labels);
    figures.push({ name: `AUC fitted (${name})`, value: aFit, unit: '' });
    figures.push({ name: `AUC true params (${name})`, value: aTrue, unit: '' });
    figures.push({ name: `|AUC fitted − true| (${name})`, value: Math.abs(aFit - aTrue), unit: '', goal: { op: '<', value: 0.01 } });
    notes.push(`${name}: fitted ${fmt(fit.params)}`);
  }

  // EM recovery error (max over L0, T, G, S) at the two sizes, over 20 seeds each. The ±0.03 bound at
  // 500×100 is about two standard errors of the maximum-likelihood L0/G, so a few seeds exceed it by sampling alone.
  const SEEDS = 20;
  for (const [students, responses, tol] of [
    [500, 100, 0.03],
    [200, 8, 0.1],
  ] as const) {
    let worst = 0, sum = 0, within = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const fit = fitBkt(simulateBkt(truth, students, responses, mulberry32(1000 + seed)), { kind: 'multiple_choice', seed });
      const e = maxErr(fit.params, truth);
      worst = Math.max(worst, e);
      sum += e;
      if (e <= tol) within++;
    }
    figures.push({ name: `EM max param error ${students}×${responses} (mean)`, value: sum / SEEDS, unit: '', goal: { op: '<=', value: tol } });
    figures.push({ name: `EM max param error ${students}×${responses} (worst)`, value: worst, unit: '' });
    figures.push({ name: `EM seeds within ±${tol} ${students}×${responses}`, value: within, unit: `of ${SEEDS}` });
  }
  return { title: 'model: held-out AUC and EM recovery', figures, notes };
}
