import type { IncomingHttpHeaders } from 'node:http';
import busboy from 'busboy';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ImportRejected, ValidationFailed } from '../../domain/errors.js';
import { msg } from '../../domain/message.js';
import { FORMATS, type CourseFormat } from '../../services/courseFormats/index.js';
import type { CourseImportServices } from '../../services/courseImport.js';
import { checkCsrf, csrfToken, requireCsrf } from '../csrf.js';
import { presentImportHome, presentStagedImport } from '../presenters/courseImport.js';
import { courseSessionOf, requireInstructor, requireSession, tOf, type SessionDeps } from '../session.js';

/** What the import and export pages need. */
export interface CourseImportDeps extends SessionDeps {
  services: CourseImportServices;
}

/** Largest upload accepted (bytes): a bigger file is refused while it streams, before it is read further. */
export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;

const FormatField = z.enum(FORMATS).optional().catch(undefined);
const Id = z.uuid();

/**
 * Streams a multipart upload (busboy, one file, 50 MB) straight into the converter, after checking the form's CSRF
 * token, which the form sends before the file. Resolves once the request body is fully read.
 */
function receiveUpload(req: Request, headers: IncomingHttpHeaders, csrf: (fields: Record<string, string>) => void, stage: (file: { filename: string; format: CourseFormat | undefined; source: AsyncIterable<Buffer> }) => Promise<string>): Promise<string> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers, limits: { fileSize: UPLOAD_LIMIT_BYTES, files: 1, fields: 5, fieldSize: 1000, parts: 8 } });
    } catch {
      reject(new ValidationFailed('not a file upload', [], msg('interop.chooseFile')));
      return;
    }
    let settled = false;
    // A refusal answers at once; the rest of the body is read and dropped so the answer reaches the browser.
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      req.resume();
      reject(e);
    };
    const fields: Record<string, string> = {};
    let work: Promise<string> | undefined;
    bb.on('field', (name, value) => void (fields[name] = value));
    bb.on('file', (name, stream, info) => {
      if (work || name !== 'file') return void stream.resume();
      try {
        csrf(fields);
      } catch (e) {
        stream.resume();
        return fail(e);
      }
      stream.on('limit', () => stream.destroy(new ImportRejected('too_large', 'upload over the limit', { details: { limitMb: UPLOAD_LIMIT_BYTES / 1024 / 1024 } })));
      const format = fields.format === 'auto' ? undefined : FormatField.parse(fields.format);
      work = stage({ filename: info.filename ?? '', format, source: stream });
      work.catch(fail);
    });
    bb.on('close', () => {
      if (!work) return fail(new ValidationFailed('no file in the upload', [], msg('interop.chooseFile')));
      work.then((id) => {
        settled = true;
        resolve(id);
      }, fail);
    });
    bb.on('error', (e) => fail(work ? e : new ValidationFailed('the upload could not be read', [], msg('interop.chooseFile'))));
    req.pipe(bb);
  });
}

const GroupForm = z.object({ key: z.union([z.string(), z.array(z.string())]), title: z.union([z.string(), z.array(z.string())]).optional(), into: z.union([z.string(), z.array(z.string())]).optional() });
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Import and export for instructors: GET /instructor/import (upload form, recent imports, downloads), POST it with a
 * file (multipart) → GET /instructor/import/:id (progress, then the preview: per-question report and objective
 * grouping) → POST …/group, …/commit (then the page shows progress until done), …/discard; GET /instructor/export.
 */
export function courseImportRouter(deps: CourseImportDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireInstructor];
  const form: RequestHandler[] = [...session, requireCsrf(deps.cookieSecret)];
  const who = (res: Response) => {
    const s = courseSessionOf(res);
    return { contextId: s.contextId, csrf: csrfToken(deps.cookieSecret, s.id), sessionId: s.id };
  };
  const idOf = (req: Request) => {
    const id = Id.safeParse(req.params.id);
    if (!id.success) throw new ImportRejected('staging_gone', 'not an import id');
    return id.data;
  };

  router.get('/instructor/import', ...session, async (_req, res) => {
    const { contextId, csrf } = who(res);
    const [recent, hasCourse] = await Promise.all([deps.services.recentCourseImports(contextId), deps.services.hasCourse(contextId)]);
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/import', { page: presentImportHome(recent, hasCourse, csrf, tOf(res)), title: tOf(res)('interop.title') });
  });

  router.post('/instructor/import', ...session, async (req, res) => {
    const { contextId, sessionId } = who(res);
    const id = await receiveUpload(
      req,
      req.headers,
      (fields) => checkCsrf(fields, deps.cookieSecret, sessionId),
      (f) => deps.services.stageCourseImport({ contextId, filename: f.filename, format: f.format, source: f.source }),
    );
    res.redirect(303, `/instructor/import/${id}`);
  });

  router.get('/instructor/import/:id', ...session, async (req, res) => {
    const { contextId, csrf } = who(res);
    const [staged, hasCourse] = await Promise.all([deps.services.getCourseImport({ contextId, id: idOf(req), draft: 'editable' }), deps.services.hasCourse(contextId)]);
    const page = presentStagedImport(staged, hasCourse, csrf, tOf(res));
    res.setHeader('cache-control', 'no-store');
    // Work in progress: the page reloads itself (no script needed) until the import is ready or done.
    if (page.working) res.setHeader('refresh', '2');
    res.render('instructor/import-preview', { page, title: tOf(res)('interop.previewTitle') });
  });

  router.post('/instructor/import/:id/group', ...form, async (req, res) => {
    const { contextId } = who(res);
    const body = GroupForm.safeParse(req.body);
    if (!body.success) throw new ValidationFailed('grouping form unreadable', [], msg('interop.groupUnreadable'));
    const keys = list(body.data.key);
    const titles = list(body.data.title);
    const into = list(body.data.into);
    const id = idOf(req);
    await deps.services.regroupCourseImport({
      contextId,
      id,
      changes: keys.map((key, i) => ({ key, ...(titles[i] ? { title: titles[i] } : {}), ...(into[i] ? { into: into[i] } : {}) })),
    });
    res.redirect(303, `/instructor/import/${id}?saved=1`);
  });

  router.post('/instructor/import/:id/commit', ...form, async (req, res) => {
    const { contextId } = who(res);
    const id = idOf(req);
    const mode = (req.body as { mode?: unknown }).mode === 'replace' ? 'replace' : 'add';
    await deps.services.startCourseImport({ contextId, id, mode });
    res.redirect(303, `/instructor/import/${id}`);
  });

  router.post('/instructor/import/:id/discard', ...form, async (req, res) => {
    const { contextId } = who(res);
    await deps.services.discardCourseImport({ contextId, id: idOf(req) });
    res.redirect(303, '/instructor/import');
  });

  router.get('/instructor/export', ...session, async (req, res) => {
    const { contextId } = who(res);
    const format = z.enum(FORMATS).safeParse(req.query.format);
    if (!format.success) throw new ValidationFailed('unknown export format', [], msg('interop.chooseFormat'));
    const file = await deps.services.exportCourseAs({ contextId, format: format.data });
    if (!file) throw new ValidationFailed('nothing to export', [], msg('interop.nothingToExport'));
    const base = file.title.replace(/[^A-Za-z0-9 _-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 60) || 'course';
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-disposition', `attachment; filename="${base}.${file.extension}"`);
    res.setHeader('cache-control', 'no-store');
    res.send(file.body);
  });

  return router;
}
