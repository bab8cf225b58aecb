import { z } from 'zod';
import type { EvidenceImportReport } from '../services/lmsEvidence.js';
import { defineJob } from './defineJob.js';

/** What the job needs (bound in src/compose.ts). */
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
