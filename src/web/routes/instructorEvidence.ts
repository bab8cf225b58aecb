import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { parseDecimal } from '../../domain/decimal.js';
import { ValidationFailed } from '../../domain/errors.js';
import type { EvidenceImportReport, EvidencePage } from '../../services/lmsEvidence.js';
import type { EvidenceMap } from '../../services/lmsEvidencePorts.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { presentEvidencePage, presentImportNotice } from '../presenters/instructorEvidence.js';
import { courseSessionOf, requireInstructor, requireSession, tOf, type SessionDeps } from '../session.js';
import { noticeOf, withNotice } from '../notice.js';

/** The use-cases the evidence pages call (bound in src/main.ts). */
export interface InstructorEvidenceServices {
  listEvidenceColumns(input: { contextId: string }): Promise<EvidencePage>;
  mapEvidenceColumn(input: { contextId: string; lineItemUrl: string; objectiveId: string; threshold?: number }): Promise<EvidenceMap>;
  unmapEvidenceColumn(input: { contextId: string; lineItemUrl: string }): Promise<boolean>;
  importLmsEvidence(input: { contextId: string }): Promise<EvidenceImportReport>;
}

/** What the evidence routes need. */
export interface InstructorEvidenceDeps extends SessionDeps {
  services: InstructorEvidenceServices;
}

const MapForm = z.object({
  lineItemUrl: z.url().max(2000),
  objectiveId: z.string().min(1).max(100),
  passMark: z
    .unknown()
    .transform((v) => (v === undefined ? 80 : (parseDecimal(v) ?? NaN)))
    .pipe(z.number().min(1).max(100)),
});
const UnmapForm = z.object({ lineItemUrl: z.string().min(1).max(2000) });

/**
 * Instructor pages for LMS grades as evidence: GET /instructor/evidence (the LMS's columns and their objectives),
 * POST …/map, …/unmap and …/import (each with the session's CSRF token).
 */
export function instructorEvidenceRouter(deps: InstructorEvidenceDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireInstructor];
  const form: RequestHandler[] = [...session, requireCsrf(deps.cookieSecret)];
  const instructor = (res: Response): { contextId: string; sessionId: string } => {
    const s = courseSessionOf(res);
    return { contextId: s.contextId, sessionId: s.id };
  };
  const back = (res: Response, notice: string) => res.redirect(303, withNotice(deps.cookieSecret, '/instructor/evidence', notice));

  router.get('/instructor/evidence', ...session, async (req, res) => {
    const { contextId, sessionId } = instructor(res);
    const page = await deps.services.listEvidenceColumns({ contextId });
    const notice = noticeOf(deps.cookieSecret, req);
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/evidence', { page: presentEvidencePage(page, csrfToken(deps.cookieSecret, sessionId), notice, tOf(res)), title: tOf(res)('instructor.evidence.title') });
  });

  router.post('/instructor/evidence/map', ...form, async (req, res) => {
    const { contextId } = instructor(res);
    const form = MapForm.safeParse(req.body);
    if (!form.success) throw new ValidationFailed(tOf(res)('instructor.evidence.chooseMapping'));
    const map = await deps.services.mapEvidenceColumn({ contextId, lineItemUrl: form.data.lineItemUrl, objectiveId: form.data.objectiveId, threshold: form.data.passMark / 100 });
    back(res, tOf(res)('instructor.evidence.nowEvidence', { label: map.label }));
  });

  router.post('/instructor/evidence/unmap', ...form, async (req, res) => {
    const { contextId } = instructor(res);
    const form = UnmapForm.safeParse(req.body);
    if (!form.success) throw new ValidationFailed(tOf(res)('instructor.evidence.chooseColumn'));
    const removed = await deps.services.unmapEvidenceColumn({ contextId, lineItemUrl: form.data.lineItemUrl });
    back(res, tOf(res)(removed ? 'instructor.evidence.unmapped' : 'instructor.evidence.notMapped'));
  });

  router.post('/instructor/evidence/import', ...form, async (req, res) => {
    const { contextId } = instructor(res);
    const report = await deps.services.importLmsEvidence({ contextId });
    back(res, presentImportNotice(report, tOf(res)));
  });

  return router;
}
