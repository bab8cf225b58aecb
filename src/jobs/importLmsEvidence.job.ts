import { z } from 'zod';
import type { EvidenceImportReport } from '../services/lmsEvidence.js';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/main.ts). */
export interface ImportLmsEvidenceServices {
  importLmsEvidence(input: { contextId: string }): Promise<EvidenceImportReport>;
  contextsWithMaps(): Promise<string[]>;
}

/**
 * Reads a context's mapped LMS columns (AGS results) into the learner model. Idempotent: results already fed with
 * the same score add nothing (lms_evidence_seen, and the event id is derived from the result).
 */
export const importLmsEvidenceJob = defineJob({
  name: 'import-lms-evidence',
  payload: z.object({ contextId: z.string().min(1) }),
  key: (p) => `import-lms-evidence:${p.contextId}`,
  perform: (services: ImportLmsEvidenceServices, p) => services.importLmsEvidence(p),
});

/** A periodic pass over every context with mappings, one at a time (stop() waits for the pass in flight). */
export function startLmsEvidenceSchedule(opts: {
  services: ImportLmsEvidenceServices;
  everyMs?: number;
  onError?: (err: unknown, contextId: string) => void;
}): { stop(): Promise<void>; runOnce(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const runOnce = async () => {
    for (const contextId of await opts.services.contextsWithMaps()) {
      if (stopped) return;
      try {
        await importLmsEvidenceJob.run(opts.services, { contextId });
      } catch (err) {
        opts.onError?.(err, contextId);
      }
    }
  };
  const tick = () => {
    if (running || stopped) return;
    running = runOnce()
      .catch((err: unknown) => opts.onError?.(err, ''))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, opts.everyMs ?? 15 * 60_000);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
