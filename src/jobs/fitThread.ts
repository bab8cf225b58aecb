/**
 * The learner-model fits on a worker thread (one per fit, ended with it): fitting a large course is seconds to a
 * minute of pure CPU, which on the web process's own thread would hold every request for as long. Same functions,
 * same inputs, so the same results as on the calling thread (src/services/fitObjectiveParams.ts `inThreadFits`).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FitComputations } from '../services/fitObjectiveParams.js';

/** One fit for the thread: which computation, with its arguments. */
export type FitTask = { kind: 'objective'; args: Parameters<FitComputations['fitObjective']> } | { kind: 'course'; args: Parameters<FitComputations['fitCourseModel']> };

/** What the thread answers. */
export type FitAnswer = { ok: true; value: unknown } | { ok: false; message: string };

/** A thread script that registers tsx's ESM loader (its `import` entry), then imports `entry`. */
function throughTsx(entry: URL): string {
  const api = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

function onThread<R>(task: FitTask): Promise<R> {
  // Built: the compiled .js beside this file. From source (tsx, tests): the .ts, imported once tsx's loader is registered.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./fitThread.worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  const worker = fromSource ? new Worker(throughTsx(entry), { eval: true, workerData: task }) : new Worker(entry, { workerData: task });
  return new Promise<R>((resolve, reject) => {
    let answered = false;
    worker.once('message', (m: FitAnswer) => {
      answered = true;
      if (m.ok) resolve(m.value as R);
      else reject(new Error(`fitting failed: ${m.message}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the fitting thread ended (exit code ${code}) without a result`));
    });
  });
}

/** The fits, each on a new worker thread. */
export const threadFits: FitComputations = {
  fitObjective: (seqs, opts) => onThread({ kind: 'objective', args: [seqs, opts] }),
  fitCourseModel: (learners, objectives) => onThread({ kind: 'course', args: [learners, objectives] }),
};
