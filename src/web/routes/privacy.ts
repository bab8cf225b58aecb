import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ValidationFailed } from '../../domain/errors.js';
import { msg } from '../../domain/message.js';
import type { AuditActor, AuditRecord, PersonMatch, PersonRecord } from '../../services/privacyPorts.js';
import type { ErasurePreview, ErasureReport, PrivacyRequest } from '../../services/studentPrivacy.js';
import type { Translate } from '../../i18n/index.js';
import { formatDateTime } from '../../i18n/format.js';
import { csrfToken, requireCsrf } from '../csrf.js';
import { adminCsrfOf, requireAdmin, requireAdminCsrf, type AdminRoutesDeps } from './admin.js';
import { auditCsv, auditLines, erasureItems, erasureNotice, exportCsv, exportJson, presentMatches } from '../presenters/privacy.js';
import { courseSessionOf, requireInstructor, requireSession, tOf, type SessionDeps } from '../session.js';
import { noticeOf, withNotice } from '../notice.js';

/** The privacy use-cases the pages call (bound in src/compose.ts). */
export interface PrivacyWebServices {
  findPeople(query: string): Promise<PersonMatch[]>;
  exportStudent(input: PrivacyRequest & { format: 'json' | 'csv' }): Promise<PersonRecord>;
  previewErasure(input: PrivacyRequest): Promise<ErasurePreview>;
  eraseStudent(input: PrivacyRequest): Promise<ErasureReport>;
  listAudit(q: { contextId?: string; limit: number; beforeId?: number }): Promise<AuditRecord[]>;
}

/** What the privacy pages need: the instructor's session, and the admin sign-in. */
export interface PrivacyRoutesDeps extends SessionDeps {
  services: PrivacyWebServices;
  admin: Pick<AdminRoutesDeps, 'cookieSecret' | 'clock' | 'checkToken'>;
  clock: { now(): number };
}

const UserParam = z.string().min(1).max(100);
const PAGE = 100;

const userIdOf = (req: Request, t: Translate): string => {
  const id = UserParam.safeParse(req.params.userId);
  if (!id.success) throw new ValidationFailed(t('instructor.student.badLink'));
  return id.data;
};
const beforeOf = (req: Request) => {
  const n = Number(req.query.before);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** Sends an export as a download (never cached: it holds a child's data). */
function sendExport(res: Response, record: PersonRecord, format: 'json' | 'csv', t: Translate, now: number): void {
  res.setHeader('cache-control', 'no-store');
  res.attachment(`masterly-student-${record.userId}.${format}`);
  if (format === 'csv') res.type('text/csv; charset=utf-8').send(exportCsv(record, t));
  else res.type('application/json; charset=utf-8').send(JSON.stringify(exportJson(record, t, now), null, 2));
}

/** The erase form's confirmation box must be ticked; nothing is erased otherwise. */
function assertConfirmed(req: Request, t: Translate): void {
  if ((req.body as Record<string, unknown> | undefined)?.confirm !== 'yes') {
    throw new ValidationFailed(t('errors.privacyNotConfirmed'), [], msg('errors.privacyNotConfirmed'));
  }
}

/** The audit page's view. */
const auditPage = (records: readonly AuditRecord[], t: Translate, base: string, heading: string, notice: string | null) => ({
  heading,
  notice,
  lines: auditLines(records, t, (ms) => formatDateTime(t, ms)),
  csvHref: `${base}.csv`,
  olderHref: records.length === PAGE ? `${base}?before=${records[records.length - 1]?.id ?? 0}` : null,
});

/** The erase/export page's view. */
const erasePage = (p: ErasurePreview, t: Translate, o: { base: string; csrf: string; backHref: string | null; course: string }) => ({
  name: p.name || t('privacy.audit.erasedPerson'),
  course: o.course,
  items: erasureItems(p, t),
  gradesInLms: p.gradesInLms,
  profileGoes: p.profileGoes,
  jsonHref: `${o.base}/export.json`,
  csvHref: `${o.base}/export.csv`,
  eraseAction: `${o.base}/erase`,
  csrf: o.csrf,
  backHref: o.backHref,
});

/**
 * Privacy pages (docs/decisions/0019-privacy-audit-erasure.md).
 * Instructors, for their course: GET /instructor/students/:userId/privacy (export links, what an erasure removes and
 * what the LMS keeps, a confirmation form), …/export.json|csv, POST …/erase (CSRF + confirmation), GET
 * /instructor/audit[.csv]. Administrators (signed in at /admin): GET /admin/privacy (search), /admin/privacy/people/:userId
 * (every course), …/export.json|csv, POST …/erase, GET /admin/audit[.csv].
 */
export function privacyRouter(deps: PrivacyRoutesDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireInstructor];
  const form: RequestHandler[] = [...session, requireCsrf(deps.cookieSecret)];
  const admin = requireAdmin(deps.admin);
  const adminForm: RequestHandler[] = [admin, requireAdminCsrf(deps.admin)];
  const instructorRequest = (req: Request, res: Response): PrivacyRequest => {
    const s = courseSessionOf(res);
    return { userId: userIdOf(req, tOf(res)), contextId: s.contextId, actor: { kind: 'instructor', userId: s.userId } };
  };
  const ADMIN: AuditActor = { kind: 'admin' };
  // Administrators have no launch: their pages follow the browser's language (Accept-Language, src/web/app.ts).
  const adminRequest = (req: Request, res: Response): PrivacyRequest => ({ userId: userIdOf(req, tOf(res)), contextId: null, actor: ADMIN });

  // --- instructors, for their course ---
  router.get('/instructor/students/:userId/privacy', ...session, async (req, res) => {
    const input = instructorRequest(req, res);
    const t = tOf(res);
    const preview = await deps.services.previewErasure(input);
    const base = `/instructor/students/${encodeURIComponent(input.userId)}`;
    const course = preview.courses[0]?.title ?? '';
    const page = erasePage(preview, t, { base, csrf: csrfToken(deps.cookieSecret, courseSessionOf(res).id), backHref: base, course });
    res.setHeader('cache-control', 'no-store');
    res.render('privacy/student', { page, nav: 'instructor', auditHref: '/instructor/audit', title: t('privacy.student.title', { name: page.name }) });
  });

  for (const format of ['json', 'csv'] as const) {
    router.get(`/instructor/students/:userId/export.${format}`, ...session, async (req, res) => {
      sendExport(res, await deps.services.exportStudent({ ...instructorRequest(req, res), format }), format, tOf(res), deps.clock.now());
    });
    router.get(`/admin/privacy/people/:userId/export.${format}`, admin, async (req, res) => {
      sendExport(res, await deps.services.exportStudent({ ...adminRequest(req, res), format }), format, tOf(res), deps.clock.now());
    });
  }

  router.post('/instructor/students/:userId/erase', ...form, async (req, res) => {
    const t = tOf(res);
    assertConfirmed(req, t);
    const done = await deps.services.eraseStudent(instructorRequest(req, res));
    res.redirect(303, withNotice(deps.cookieSecret, '/instructor/audit', erasureNotice(done, t)));
  });

  router.get(['/instructor/audit', '/instructor/audit.csv'], ...session, async (req, res) => {
    const { contextId } = courseSessionOf(res);
    const t = tOf(res);
    const csv = req.path.endsWith('.csv');
    const records = await deps.services.listAudit({ contextId, limit: csv ? 100_000 : PAGE, ...(beforeOf(req) ? { beforeId: beforeOf(req) } : {}) });
    res.setHeader('cache-control', 'no-store');
    if (csv) {
      res.attachment('masterly-audit.csv').type('text/csv; charset=utf-8').send(auditCsv(records, t));
      return;
    }
    res.render('privacy/audit', { page: auditPage(records, t, '/instructor/audit', t('privacy.audit.title'), noticeOf(deps.cookieSecret, req)), nav: 'instructor', title: t('privacy.audit.title') });
  });

  // --- administrators, every course ---
  router.get('/admin/privacy', admin, async (req, res) => {
    const query = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const matches = query ? presentMatches(await deps.services.findPeople(query)) : null;
    res.setHeader('cache-control', 'no-store');
    res.render('privacy/admin-search', { query, matches, notice: noticeOf(deps.admin.cookieSecret, req), title: tOf(res)('privacy.admin.title') });
  });

  router.get('/admin/privacy/people/:userId', admin, async (req, res) => {
    const t = tOf(res);
    const preview = await deps.services.previewErasure(adminRequest(req, res));
    const base = `/admin/privacy/people/${encodeURIComponent(String(req.params.userId))}`;
    const course = preview.courses.map((c) => c.title ?? c.contextId).join(', ');
    const page = erasePage(preview, t, { base, csrf: adminCsrfOf(res, deps.admin.cookieSecret), backHref: '/admin/privacy', course });
    res.setHeader('cache-control', 'no-store');
    res.render('privacy/student', { page, nav: undefined, auditHref: '/admin/audit', title: t('privacy.admin.personTitle', { name: page.name }) });
  });

  router.post('/admin/privacy/people/:userId/erase', ...adminForm, async (req, res) => {
    const t = tOf(res);
    assertConfirmed(req, t);
    const done = await deps.services.eraseStudent(adminRequest(req, res));
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ receipt: done.receipt, counts: done.counts, profileRemoved: done.profileRemoved, gradesInLms: done.gradesInLms });
      return;
    }
    res.redirect(303, withNotice(deps.admin.cookieSecret, '/admin/privacy', erasureNotice(done, t)));
  });

  router.get(['/admin/audit', '/admin/audit.csv'], admin, async (req, res) => {
    const t = tOf(res);
    const csv = req.path.endsWith('.csv');
    const records = await deps.services.listAudit({ limit: csv ? 100_000 : PAGE, ...(beforeOf(req) ? { beforeId: beforeOf(req) } : {}) });
    res.setHeader('cache-control', 'no-store');
    if (csv) {
      res.attachment('masterly-audit.csv').type('text/csv; charset=utf-8').send(auditCsv(records, t));
      return;
    }
    res.render('privacy/audit', { page: auditPage(records, t, '/admin/audit', t('privacy.audit.title'), noticeOf(deps.admin.cookieSecret, req)), nav: undefined, title: t('privacy.admin.auditTitle') });
  });

  return router;
}
