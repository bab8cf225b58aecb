import busboy from 'busboy';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError, NotFound, ObjectiveCycle, ValidationFailed } from '../../domain/errors.js';
import { isGenericFeedback } from '../../domain/items.js';
import type { MessageOrText } from '../../domain/message.js';
import { render } from '../../i18n/index.js';
import type { OpenDraft, PublishResult } from '../../services/authorCourse.js';
import type { StoredMedia } from '../../services/authoringPorts.js';
import { MEDIA_MAX_BYTES } from '../../services/uploadMedia.js';
import { checkCsrf, csrfToken, requireCsrf } from '../csrf.js';
import { messageOf } from '../errors.js';
import {
  formErrors,
  presentDecision,
  presentItemForm,
  presentObjectiveForm,
  presentOverview,
  presentPageForm,
  presentPreview,
  type FormErrors,
} from '../presenters/authoring.js';
import { courseSessionOf, requireCourse, requireInstructor, requireSession, sessionOf, tOf, type SessionDeps } from '../session.js';
import { noticeOf, withNotice } from '../notice.js';

type Form = Record<string, unknown>;
type Who = { contextId: string; actor: string };

/** The authoring use-cases (src/services/authorCourse.ts, uploadMedia.ts), bound by the composition root. */
export interface AuthoringServices {
  openDraft(contextId: string): Promise<OpenDraft>;
  saveCourseInfo(input: Who & { form: Form }): Promise<void>;
  saveObjective(input: Who & { original: string | null; form: Form }): Promise<string>;
  deleteObjective(input: Who & { key: string }): Promise<void>;
  saveItem(input: Who & { original: string | null; form: Form }): Promise<string>;
  deleteItem(input: Who & { key: string }): Promise<void>;
  savePage(input: Who & { original: string | null; form: Form }): Promise<string>;
  deletePage(input: Who & { key: string }): Promise<void>;
  publishDraft(input: Who & { answerKeys?: 'keep' | 'regrade' }): Promise<PublishResult>;
  discardDraft(input: { contextId: string }): Promise<void>;
  previewCheck(input: { contextId: string; itemKey: string; answer: string | string[] }): Promise<{ correct: boolean; feedback: string; generic: MessageOrText }>;
  uploadMedia(input: { contextId: string; name: string; bytes: Buffer; truncated?: boolean }): Promise<StoredMedia>;
  getMedia(contextId: string, id: string): Promise<StoredMedia | undefined>;
}

/** What the authoring router needs. */
export interface AuthoringDeps extends SessionDeps {
  services: AuthoringServices;
}

const Key = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/);
const MediaId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/**
 * Instructor-only authoring pages under /instructor/author: the draft's overview (course details, the prerequisite
 * graph, publish, discard, image upload), objective / question / page forms (each validated with messages beside
 * the fields, 422 when refused), publish with the answer-key decision, and "preview as student" (nothing recorded).
 * GET /media/:id serves a course's uploaded images to its members (nosniff, the stored type, a closed CSP).
 */
export function authoringRouter(deps: AuthoringDeps): Router {
  const router = Router();
  const session: RequestHandler[] = [requireSession(deps), requireInstructor];
  const form: RequestHandler[] = [...session, requireCsrf(deps.cookieSecret)];
  const who = (res: Response): Who => {
    const s = courseSessionOf(res);
    return { contextId: s.contextId, actor: s.userId };
  };
  const csrf = (res: Response) => csrfToken(deps.cookieSecret, sessionOf(res).id);
  const keyParam = (req: Request): string => {
    const k = Key.safeParse(req.params.key);
    if (!k.success) throw new NotFound('The page');
    return k.data;
  };
  const query = (req: Request, name: string): string | null => (typeof req.query[name] === 'string' ? (req.query[name] as string).slice(0, 300) : null);
  const show = (res: Response, view: string, title: string, page: object, status = 200) => {
    res.status(status).setHeader('cache-control', 'no-store');
    res.render(`instructor/author/${view}`, { page, title });
  };
  const back = (res: Response, path: string, notice: string) => res.redirect(303, withNotice(deps.cookieSecret, path, notice));
  /** A refused form: its errors, else rethrow. */
  const refused = (err: unknown, res: Response): FormErrors => {
    const t = tOf(res);
    if (err instanceof ObjectiveCycle) return formErrors([{ path: 'prerequisites', message: err.message, ...(err.said ? { said: err.said } : {}) }], t);
    if (err instanceof ValidationFailed && err.issues.length) return formErrors(err.issues, t);
    throw err;
  };
  const body = (req: Request): Form => (req.body ?? {}) as Form;

  // ---------------------------------------------------------------- overview
  router.get('/instructor/author', ...session, async (req, res) => {
    const draft = await deps.services.openDraft(who(res).contextId);
    show(res, 'overview', tOf(res)('authoring.title'), presentOverview(draft, csrf(res), noticeOf(deps.cookieSecret, req), tOf(res)));
  });

  router.post('/instructor/author/course', ...form, async (req, res) => {
    try {
      await deps.services.saveCourseInfo({ ...who(res), form: body(req) });
    } catch (err) {
      const errors = refused(err, res);
      const draft = await deps.services.openDraft(who(res).contextId);
      const values = { title: String(body(req).title ?? ''), description: String(body(req).description ?? ''), checkTimeLimitMinutes: String(body(req).checkTimeLimitMinutes ?? '') };
      return show(res, 'overview', tOf(res)('authoring.title'), presentOverview(draft, csrf(res), null, tOf(res), errors, values), 422);
    }
    back(res, '/instructor/author', tOf(res)('authoring.saved'));
  });

  // ---------------------------------------------------------------- objectives
  const objectivePage = async (res: Response, key: string | null, errors?: FormErrors, posted?: Form, notice: string | null = null, status = 200) => {
    const draft = await deps.services.openDraft(who(res).contextId);
    if (key !== null && !draft.file.objectives.some((o) => o.key === key)) throw new NotFound('The objective');
    const page = presentObjectiveForm(draft, key, csrf(res), tOf(res), errors, posted, notice);
    const t = tOf(res);
    const title = page.isNew ? t('authoring.objective.newTitle') : t('authoring.objective.editTitle', { title: page.values.title });
    show(res, 'objective', errors?.list.length ? `${t('authoring.errorSummary')}: ${title}` : title, page, status);
  };
  router.get('/instructor/author/objectives/new', ...session, async (_req, res) => objectivePage(res, null));
  router.get('/instructor/author/objectives/:key', ...session, async (req, res) => objectivePage(res, keyParam(req), undefined, undefined, noticeOf(deps.cookieSecret, req)));
  const saveObjective = (original: (req: Request) => string | null): RequestHandler => async (req, res) => {
    const orig = original(req);
    let key: string;
    try {
      key = await deps.services.saveObjective({ ...who(res), original: orig, form: body(req) });
    } catch (err) {
      return objectivePage(res, orig, refused(err, res), body(req), null, 422);
    }
    back(res, `/instructor/author/objectives/${encodeURIComponent(key)}`, tOf(res)('authoring.saved'));
  };
  router.post('/instructor/author/objectives', ...form, saveObjective(() => null));
  router.post('/instructor/author/objectives/:key', ...form, saveObjective(keyParam));
  router.post('/instructor/author/objectives/:key/delete', ...form, async (req, res) => {
    await deps.services.deleteObjective({ ...who(res), key: keyParam(req) });
    back(res, '/instructor/author', tOf(res)('authoring.deleted'));
  });

  // ---------------------------------------------------------------- items and pages
  for (const kind of ['items', 'pages'] as const) {
    const present = kind === 'items' ? presentItemForm : presentPageForm;
    const view = kind === 'items' ? 'item' : 'page';
    const formPage = async (res: Response, key: string | null, objective: string | null, errors?: FormErrors, posted?: Form, status = 200) => {
      const draft = await deps.services.openDraft(who(res).contextId);
      const exists = kind === 'items' ? draft.file.items.some((i) => i.key === key) : draft.file.content.some((c) => c.key === key);
      if (key !== null && !exists) throw new NotFound('The page');
      const page = present(draft, key, objective, csrf(res), tOf(res), errors, posted);
      const t = tOf(res);
      const title = kind === 'items' ? t(page.isNew ? 'authoring.item.newTitle' : 'authoring.item.editTitle') : page.isNew ? t('authoring.page.newTitle') : t('authoring.page.editTitle', { title: (page as ReturnType<typeof presentPageForm>).values.title });
      show(res, view, errors?.list.length ? `${t('authoring.errorSummary')}: ${title}` : title, page, status);
    };
    const save = kind === 'items' ? deps.services.saveItem : deps.services.savePage;
    const remove = kind === 'items' ? deps.services.deleteItem : deps.services.deletePage;
    router.get(`/instructor/author/${kind}/new`, ...session, async (req, res) => formPage(res, null, query(req, 'objective')));
    router.get(`/instructor/author/${kind}/:key`, ...session, async (req, res) => formPage(res, keyParam(req), null));
    const saveRoute = (original: (req: Request) => string | null): RequestHandler => async (req, res) => {
      const orig = original(req);
      try {
        await save({ ...who(res), original: orig, form: body(req) });
      } catch (err) {
        return formPage(res, orig, null, refused(err, res), body(req), 422);
      }
      const objective = typeof body(req).objective === 'string' ? (body(req).objective as string) : '';
      back(res, `/instructor/author/objectives/${encodeURIComponent(objective)}`, tOf(res)('authoring.saved'));
    };
    router.post(`/instructor/author/${kind}`, ...form, saveRoute(() => null));
    router.post(`/instructor/author/${kind}/:key`, ...form, saveRoute(keyParam));
    router.post(`/instructor/author/${kind}/:key/delete`, ...form, async (req, res) => {
      const draft = await deps.services.openDraft(who(res).contextId);
      const key = keyParam(req);
      const objective = (kind === 'items' ? draft.file.items.find((i) => i.key === key)?.objective : draft.file.content.find((c) => c.key === key)?.objective) ?? '';
      await remove({ ...who(res), key });
      back(res, objective ? `/instructor/author/objectives/${encodeURIComponent(objective)}` : '/instructor/author', tOf(res)('authoring.deleted'));
    });
  }

  // ---------------------------------------------------------------- publish, discard
  router.post('/instructor/author/publish', ...form, async (req, res) => {
    const t = tOf(res);
    const choice = body(req).answerKeys;
    const answerKeys = choice === 'keep' || choice === 'regrade' ? choice : undefined;
    let result: PublishResult;
    try {
      result = await deps.services.publishDraft({ ...who(res), ...(answerKeys ? { answerKeys } : {}) });
    } catch (err) {
      if (err instanceof AppError && (err.code === 'ERR_VALIDATION' || err.code === 'ERR_CONFLICT' || err.code === 'ERR_OBJECTIVE_CYCLE')) {
        const reason = err instanceof ValidationFailed && !err.said && err.issues.length ? err.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ') : messageOf(err, t);
        return back(res, '/instructor/author', err.code === 'ERR_CONFLICT' || err.said ? messageOf(err, t) : t('authoring.publish.invalid', { reason }));
      }
      throw err;
    }
    if (result.status === 'needs_decision') return show(res, 'decision', t('authoring.publish.decisionTitle'), presentDecision(result.changedKeys, csrf(res), t));
    back(res, '/instructor/author', result.regraded ? t('authoring.publish.doneRegraded', { count: result.regraded }) : t('authoring.publish.done'));
  });
  router.post('/instructor/author/discard', ...form, async (_req, res) => {
    await deps.services.discardDraft({ contextId: who(res).contextId });
    back(res, '/instructor/author', tOf(res)('authoring.publish.discarded'));
  });

  // ---------------------------------------------------------------- preview as student
  const previewPage = async (res: Response, key: string, index: number, result?: { correct: boolean; feedback: string; generic: string }) => {
    const draft = await deps.services.openDraft(who(res).contextId);
    const page = presentPreview(draft, key, index, csrf(res), tOf(res), result);
    if (!page) throw new NotFound('The objective');
    res.setHeader('cache-control', 'no-store');
    res.render('instructor/author/preview', { page, title: tOf(res)('authoring.preview.title', { title: page.title }), preview: true });
  };
  router.get('/instructor/author/preview/:key', ...session, async (req, res) => {
    const n = Number(query(req, 'item') ?? '0');
    await previewPage(res, keyParam(req), Number.isInteger(n) && n >= 0 && n < 10000 ? n : 0);
  });
  router.post('/instructor/author/preview/:key/check', ...form, async (req, res) => {
    const key = keyParam(req);
    const f = body(req);
    const itemKey = Key.safeParse(f.item);
    const n = Number(f.index);
    if (!itemKey.success || !Number.isInteger(n) || n < 0) throw new ValidationFailed('Which question?');
    const raw = f.answer;
    const answer = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : typeof raw === 'string' ? raw.slice(0, 500) : '';
    const checked = await deps.services.previewCheck({ contextId: who(res).contextId, itemKey: itemKey.data, answer });
    const t = tOf(res);
    const generic = isGenericFeedback(checked.generic) ? t(checked.correct ? 'authoring.preview.right' : 'authoring.preview.wrong') : render(t, checked.generic);
    await previewPage(res, key, n, { correct: checked.correct, feedback: checked.feedback, generic });
  });

  // ---------------------------------------------------------------- images
  router.post('/instructor/author/media', ...session, async (req, res) => {
    const { fields, file } = await readUpload(req);
    checkCsrf(fields, deps.cookieSecret, sessionOf(res).id);
    const t = tOf(res);
    if (!file) throw new ValidationFailed('No file.', [{ path: 'file', message: 'empty' }], { key: 'authoring.media.empty' });
    const alt = (fields.alt ?? '').trim().replace(/[[\]\n\r]/g, ' ').slice(0, 200);
    const stored = await deps.services.uploadMedia({ contextId: who(res).contextId, name: file.name, bytes: file.bytes, truncated: file.truncated });
    back(res, '/instructor/author', t('authoring.media.uploaded', { snippet: `![${alt || stored.name}](/media/${stored.id})` }));
  });

  router.get('/media/:id', requireSession(deps), requireCourse, async (req, res) => {
    const id = MediaId.safeParse(req.params.id);
    if (!id.success) throw new NotFound('The image');
    const media = await deps.services.getMedia(courseSessionOf(res).contextId, id.data);
    if (!media) throw new NotFound('The image');
    res.setHeader('content-type', media.contentType);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'private, max-age=3600');
    res.setHeader('content-disposition', 'inline');
    // An SVG opened on its own runs nothing: no script, no style, no other origin.
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    res.end(media.bytes);
  });

  return router;
}

/** Reads a multipart upload (one file, small fields), stopping at the size limit (busboy `limits`). */
function readUpload(req: Request): Promise<{ fields: Record<string, string>; file: { name: string; bytes: Buffer; truncated: boolean } | null }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: MEDIA_MAX_BYTES, files: 1, fields: 10, fieldSize: 4096 } });
    } catch {
      reject(new ValidationFailed('Not a file upload.', [{ path: 'file', message: 'empty' }], { key: 'authoring.media.empty' }));
      return;
    }
    const fields: Record<string, string> = {};
    let file: { name: string; bytes: Buffer; truncated: boolean } | null = null;
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => {
      const parts: Buffer[] = [];
      let truncated = false;
      stream.on('data', (d: Buffer) => parts.push(d));
      stream.on('limit', () => {
        truncated = true;
      });
      stream.on('close', () => {
        const bytes = Buffer.concat(parts);
        file = bytes.length || truncated ? { name: info.filename || 'image', bytes, truncated } : null;
      });
    });
    bb.on('error', () => reject(new ValidationFailed('The upload could not be read.', [{ path: 'file', message: 'empty' }], { key: 'authoring.media.empty' })));
    bb.on('close', () => resolve({ fields, file }));
    req.pipe(bb);
  });
}
