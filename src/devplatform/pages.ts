import path from 'node:path';
import { Router } from 'express';
import { STORAGE_FRAME, platformStorageOf, type Ctx } from './context.js';
import { PlatformError, createLaunch, findLaunch, loginUrlFor } from './launches.js';
import { ROLES, isInstructor, type DevUser } from './people.js';
import { projectPath } from '../projectRoot.js';

const PUBLIC_DIR = projectPath('public');
/** The course page lists at most this many people (benchmarks seed thousands). */
const PEOPLE_ON_PAGE = 60;

const roleLabel = (u: DevUser): string =>
  u.roles.includes(ROLES.teachingAssistant) ? 'Teaching assistant' : isInstructor(u) ? 'Instructor' : 'Student';
const display = (u: DevUser): string => u.name || `User ${u.id} (no name shared)`;

/** Course page with "launch as", the launch view (tool in an iframe), the gradebook and the return URL. */
export function pagesRouter(ctx: Ctx): Router {
  const router = Router();

  const coursePage = async (launch: { src: string; heading: string } | null) => {
    const members = ctx.roster.list().filter((u) => u.status !== 'Deleted');
    const links = await ctx.db.selectFrom('dp_resource_links').select(['id', 'title', 'line_item_id']).orderBy('created_at').orderBy('id').execute();
    return {
      title: `Course: ${ctx.course.title}`,
      mode: ctx.mode(),
      course: ctx.course,
      issuer: ctx.url,
      clientId: ctx.clientId,
      deploymentId: ctx.deploymentId,
      launch,
      links: links.map((l) => ({ id: l.id, title: l.title, lineItemId: l.line_item_id })),
      people: members.slice(0, PEOPLE_ON_PAGE).map((u) => ({
        id: u.id,
        display: display(u),
        email: u.email ?? '',
        roleLabel: roleLabel(u),
        status: u.status,
        isInstructor: isInstructor(u),
      })),
      hiddenCount: Math.max(0, members.length - PEOPLE_ON_PAGE),
    };
  };

  router.get('/devplatform.css', (_req, res) => res.sendFile(path.join(PUBLIC_DIR, 'devplatform.css')));
  router.get('/devplatform-storage.js', (_req, res) => res.sendFile(path.join(PUBLIC_DIR, 'devplatformStorage.js')));

  // LTI Platform Storage: the frame that keeps data for the tool (on the auth origin, as Canvas's is on its OIDC host).
  router.get(`/${STORAGE_FRAME}`, (_req, res) => {
    res.render('devplatform/storage-frame', { toolOrigin: new URL(ctx.toolUrl).origin });
  });

  router.get('/', async (_req, res) => {
    res.render('devplatform/course', { ...(await coursePage(null)), storage: null });
  });

  router.post('/launch', async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    try {
      const { intent } = await createLaunch(ctx, {
        userId: body.userId ?? '',
        ...(body.messageType === 'LtiDeepLinkingRequest' || body.messageType === 'LtiSubmissionReviewRequest' ? { messageType: body.messageType } : {}),
        ...(body.resourceLinkId ? { resourceLinkId: body.resourceLinkId } : {}),
        ...(body.forUserId ? { forUserId: body.forUserId } : {}),
      });
      res.redirect(303, `/launch/${encodeURIComponent(intent.id)}`);
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      res.status(err.status).render('devplatform/error', { title: 'Cannot launch', code: err.code, message: err.message });
    }
  });

  router.get('/launch/:id', async (req, res) => {
    const intent = await findLaunch(ctx, req.params.id);
    const user = intent ? ctx.roster.get(intent.userId) : undefined;
    if (!intent || !user) {
      res.status(404).render('devplatform/error', { title: 'Not found', code: 'unknown_launch', message: 'This launch does not exist.' });
      return;
    }
    // Re-derive the iframe src from the stored intent so reloading the page relaunches the same link.
    const { loginUrl } = loginUrlFor(ctx, intent);
    const heading = `${intent.messageType === 'LtiDeepLinkingRequest' ? 'Adding Masterly content' : 'Masterly'} as ${display(user)}`;
    const storage = platformStorageOf(ctx) === 'answer' ? { frame: STORAGE_FRAME, src: `${ctx.url}/${STORAGE_FRAME}`, toolOrigin: new URL(ctx.toolUrl).origin } : null;
    res.render('devplatform/course', { ...(await coursePage({ src: loginUrl, heading })), storage });
  });

  router.get('/gradebook', async (_req, res) => {
    const lineItems = await ctx.db.selectFrom('dp_line_items').selectAll().orderBy('id').execute();
    const results = await ctx.db.selectFrom('dp_results').selectAll().execute();
    const history = await ctx.db.selectFrom('dp_score_history').selectAll().orderBy('seq', 'desc').limit(200).execute();
    const byKey = new Map(results.map((r) => [`${r.line_item_id}:${r.user_id}`, r]));
    const students = ctx.roster.list().filter((u) => u.status !== 'Deleted' && !isInstructor(u));
    const withScores = new Set(results.map((r) => r.user_id));
    const shown = students.filter((u, i) => i < PEOPLE_ON_PAGE || withScores.has(u.id));
    const labels = new Map(lineItems.map((li) => [li.id, li.label]));
    // "Review" (Moodle's Grade analysis): a Submission Review launch by the teacher, for columns of an activity.
    const reviewer = ctx.roster.list().find((u) => u.status !== 'Deleted' && isInstructor(u));
    const links = new Set((await ctx.db.selectFrom('dp_resource_links').select('id').execute()).map((l) => l.id));
    const fmt = (n: number | null): string => (n === null ? '—' : String(Math.round(n * 100) / 100));
    res.render('devplatform/gradebook', {
      title: 'Gradebook',
      mode: ctx.mode(),
      course: ctx.course,
      lineItems: lineItems.map((li) => ({ label: li.label, scoreMaximum: li.score_maximum, tag: li.tag })),
      rows: shown.map((u) => ({
        name: display(u),
        cells: lineItems.map((li) => {
          const r = byKey.get(`${li.id}:${u.id}`);
          const review =
            reviewer && li.resource_link_id && links.has(li.resource_link_id) ? { reviewerId: reviewer.id, resourceLinkId: li.resource_link_id, forUserId: u.id, label: `Review ${display(u)}: ${li.label}` } : null;
          return r ? { score: `${fmt(r.result_score)} / ${li.score_maximum}`, comment: r.comment ?? '', review, needsGrading: r.needs_grading === 1 } : null;
        }),
      })),
      history: history.map((h) => {
        const body = JSON.parse(h.body) as Record<string, unknown>;
        const u = ctx.roster.get(h.user_id);
        return {
          seq: h.seq,
          label: labels.get(h.line_item_id) ?? `#${h.line_item_id} (deleted)`,
          name: u ? display(u) : h.user_id,
          score: body.scoreGiven === undefined ? '—' : `${String(body.scoreGiven)} / ${String(body.scoreMaximum)}`,
          progress: `${String(body.activityProgress)}, ${String(body.gradingProgress)}`,
          timestamp: h.timestamp,
          applied: h.applied === 1,
        };
      }),
    });
  });

  router.get('/return', (req, res) => {
    const q = req.query as Record<string, unknown>;
    res.render('devplatform/returned', {
      title: 'Back in the course',
      mode: ctx.mode(),
      msg: typeof q.lti_msg === 'string' ? q.lti_msg : '',
      errormsg: typeof q.lti_errormsg === 'string' ? q.lti_errormsg : '',
    });
  });

  return router;
}

