/** Entry of a fitting thread (src/jobs/fitThread.ts): runs its one task and posts the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { inThreadFits } from '../services/fitObjectiveParams.js';
import type { FitAnswer, FitTask } from './fitThread.js';

const task = workerData as FitTask;
const run: Promise<unknown> = task.kind === 'objective' ? inThreadFits.fitObjective(...task.args) : inThreadFits.fitCourseModel(...task.args);
run.then(
  (value) => parentPort?.postMessage({ ok: true, value } satisfies FitAnswer),
  (e: unknown) => parentPort?.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies FitAnswer),
);
