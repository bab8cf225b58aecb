import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { SCOPES, platformEndpoints, type Ctx } from './context.js';
import type { Selectable } from 'kysely';
import type { DpDatabase } from './db.js';
import { intParam, selfUrl, setLink } from './http.js';
import { isLearner } from './people.js';
import { requireScope } from './token.js';

const LINE_ITEM = 'application/vnd.ims.lis.v2.lineitem+json';
const LINE_ITEMS = 'application/vnd.ims.lis.v2.lineitemcontainer+json';
const RESULTS = 'application/vnd.ims.lis.v2.resultcontainer+json';

const LineItemBody = z.object({
  label: z.string().trim().min(1),
  scoreMaximum: z.number().positive(),
  resourceId: z.string().optional(),
  tag: z.string().optional(),
  resourceLinkId: z.string().optional(),
  startDateTime: z.string().optional(),
  endDateTime: z.string().optional(),
});

const ScoreBody = z.object({
  userId: z.string().min(1),
  scoreGiven: z.number().min(0).optional(),
  scoreMaximum: z.number().positive().optional(),
  comment: z.string().optional(),
  timestamp: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'timestamp must be ISO 8601'),
  activityProgress: z.enum(['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed']),
  gradingProgress: z.enum(['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady']),
});

type LineItemRow = Selectable<DpDatabase['dp_line_items']>;

/** Result of a score POST, as the history records it. */
export interface ScoreOutcome {
  applied: boolean;
}

/**
 * Assignment and Grade Services 2.0: line items, scores (latest by timestamp wins) and results, with the
 * Canvas and Moodle answers to bad scores. Moodle mode stores and refuses scores as Moodle 4.5's scores.php does:
 * no grade unless FullyGraded (then stamped with the LMS's own clock), 409 "Refusing score with an earlier
 * timestamp" when the stored grade's time is not earlier, in whole seconds, than the new score's.
 *
 * @see https://www.imsglobal.org/spec/lti-ags/v2p0
 */
export function agsRouter(ctx: Ctx): Router {
  const router = Router();
  const base = '/api/lti/courses/:courseId/line_items';
  const urlOf = (id: number): string => `${platformEndpoints(ctx.url, ctx.courseId).lineItems}/${id}`;
  const present = (li: LineItemRow) => ({
    id: urlOf(li.id),
    label: li.label,
    scoreMaximum: li.score_maximum,
    ...(li.resource_id !== null ? { resourceId: li.resource_id } : {}),
    ...(li.tag !== null ? { tag: li.tag } : {}),
    ...(li.resource_link_id !== null ? { resourceLinkId: li.resource_link_id } : {}),
    ...(li.start_date_time !== null ? { startDateTime: li.start_date_time } : {}),
    ...(li.end_date_time !== null ? { endDateTime: li.end_date_time } : {}),
    ...(JSON.parse(li.extra) as Record<string, unknown>),
  });
  const send = (res: Response, status: number, type: string, body: unknown): void => {
    res.status(status).type(type).send(JSON.stringify(body));
  };
  const courseOk = (req: Request, res: Response): boolean => {
    if (req.params.courseId === ctx.courseId) return true;
    res.status(404).json({ error: 'not_found', error_description: 'unknown course' });
    return false;
  };
  const load = async (req: Request, res: Response): Promise<LineItemRow | undefined> => {
    if (!courseOk(req, res)) return undefined;
    const id = Number(req.params.id);
    const row = Number.isInteger(id) ? await ctx.db.selectFrom('dp_line_items').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
    if (!row) res.status(404).json({ error: 'not_found', error_description: 'line item not found' });
    return row;
  };
  const extensions = (body: unknown): Record<string, unknown> =>
    Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([k]) => k.startsWith('https://')));

  const read = requireScope(ctx, SCOPES.lineItem, SCOPES.lineItemReadonly);
  const write = requireScope(ctx, SCOPES.lineItem);

  router.get(base, read, async (req, res) => {
    if (!courseOk(req, res)) return;
    const q = req.query as Record<string, unknown>;
    let query = ctx.db.selectFrom('dp_line_items').selectAll().orderBy('id');
    if (typeof q.resource_link_id === 'string') query = query.where('resource_link_id', '=', q.resource_link_id);
    if (typeof q.resource_id === 'string') query = query.where('resource_id', '=', q.resource_id);
    if (typeof q.tag === 'string') query = query.where('tag', '=', q.tag);
    const rows = await query.execute();
    const limit = Math.max(intParam(q.limit, 100), 1);
    const offset = intParam(q.offset, 0);
    if (offset + limit < rows.length) setLink(ctx, res, [{ url: selfUrl(ctx, req, { offset: String(offset + limit), limit: String(limit) }), rel: 'next' }]);
    send(res, 200, LINE_ITEMS, rows.slice(offset, offset + limit).map(present));
  });

  router.post(base, write, async (req, res) => {
    if (!courseOk(req, res)) return;
    const parsed = LineItemBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_request', error_description: 'label and a positive scoreMaximum are required' });
      return;
    }
    const b = parsed.data;
    const { id } = await ctx.db
      .insertInto('dp_line_items')
      .values({
        label: b.label,
        score_maximum: b.scoreMaximum,
        resource_id: b.resourceId ?? null,
        tag: b.tag ?? null,
        resource_link_id: b.resourceLinkId ?? null,
        start_date_time: b.startDateTime ?? null,
        end_date_time: b.endDateTime ?? null,
        extra: JSON.stringify(extensions(req.body)),
        created_at: ctx.now(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await ctx.db.selectFrom('dp_line_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    send(res, 201, LINE_ITEM, present(row));
  });

  router.get(`${base}/:id`, read, async (req, res) => {
    const row = await load(req, res);
    if (row) send(res, 200, LINE_ITEM, present(row));
  });

  router.put(`${base}/:id`, write, async (req, res) => {
    const row = await load(req, res);
    if (!row) return;
    const parsed = LineItemBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'invalid_request', error_description: 'label and a positive scoreMaximum are required' });
      return;
    }
    const b = parsed.data;
    await ctx.db
      .updateTable('dp_line_items')
      .set({
        label: b.label,
        score_maximum: b.scoreMaximum,
        resource_id: b.resourceId ?? row.resource_id,
        tag: b.tag ?? row.tag,
        start_date_time: b.startDateTime ?? row.start_date_time,
        end_date_time: b.endDateTime ?? row.end_date_time,
        extra: JSON.stringify({ ...(JSON.parse(row.extra) as Record<string, unknown>), ...extensions(req.body) }),
      })
      .where('id', '=', row.id)
      .execute();
    const updated = await ctx.db.selectFrom('dp_line_items').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    send(res, 200, LINE_ITEM, present(updated));
  });

  router.delete(`${base}/:id`, write, async (req, res) => {
    const row = await load(req, res);
    if (!row) return;
    await ctx.db.deleteFrom('dp_results').where('line_item_id', '=', row.id).execute();
    await ctx.db.deleteFrom('dp_line_items').where('id', '=', row.id).execute();
    await ctx.db.updateTable('dp_resource_links').set({ line_item_id: null }).where('line_item_id', '=', row.id).execute();
    res.status(204).end();
  });

  router.post(`${base}/:id/scores`, requireScope(ctx, SCOPES.score), async (req, res) => {
    const row = await load(req, res);
    if (!row) return;
    const mode = ctx.mode();
    const refuse = (status: number, canvasMessage: string): void => {
      // Moodle answers every bad score the same way (mod/lti/service/gradebookservices).
      if (mode === 'moodle') res.status(400).type('text/plain').send('Incorrect score received');
      else if (mode === 'canvas') res.status(status).json({ errors: { type: status === 422 ? 'unprocessable_entity' : 'bad_request', message: canvasMessage } });
      else res.status(status).json({ error: 'invalid_request', error_description: canvasMessage });
    };
    const raw = (req.body ?? {}) as Record<string, unknown>;
    if (raw.scoreGiven !== undefined && raw.scoreMaximum === undefined) return refuse(400, 'ScoreMaximum must be present when ScoreGiven is present');
    const parsed = ScoreBody.safeParse(raw);
    if (!parsed.success) return refuse(400, `Invalid score: ${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')}`);
    const s = parsed.data;
    const user = ctx.roster.get(s.userId);
    const member = user && user.status !== 'Deleted';
    if (!member || ((mode === 'canvas' || mode === 'moodle') && !isLearner(user))) {
      return refuse(mode === 'canvas' ? 422 : 400, 'User not found in course or is not a student');
    }
    const ts = Date.parse(s.timestamp);
    // Moodle (gradebookservices scores.php): a score with any grading progress but FullyGraded stores no grade, and
    // the grade's `timemodified` is then Moodle's own clock at save time; otherwise the score's timestamp.
    const moodleGraded = s.gradingProgress === 'FullyGraded' && s.scoreGiven !== undefined;
    const given = mode === 'moodle' && !moodleGraded ? undefined : s.scoreGiven;
    const outcome = await ctx.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('dp_results').select('timestamp_ms').where('line_item_id', '=', row.id).where('user_id', '=', s.userId).executeTakeFirst();
      // Moodle refuses (409) when the stored grade's timemodified is not earlier, in whole seconds, than the new timestamp.
      const moodleRefuses = mode === 'moodle' && current !== undefined && Math.floor(current.timestamp_ms / 1000) >= Math.floor(ts / 1000);
      const older = current !== undefined && ts < current.timestamp_ms;
      if (older && mode === 'canvas') return 'refused' as const;
      await trx
        .insertInto('dp_score_history')
        .values({ line_item_id: row.id, user_id: s.userId, body: JSON.stringify(s), timestamp: s.timestamp, received_at: ctx.now(), applied: older || moodleRefuses ? 0 : 1 })
        .execute();
      if (moodleRefuses) return 'conflict' as const;
      if (older) return 'ignored' as const;
      // Canvas (Lti::IMS::ScoresController): every score is a new submission unless its submission extension says
      // `new_submission: false`; one that carries no grade then waits in the teacher's "needs grading" list.
      const ext = raw['https://canvas.instructure.com/lti/submission'] as { new_submission?: unknown } | undefined;
      const newSubmission = !(ext && (ext.new_submission === false || ext.new_submission === 'false'));
      const needsGrading = mode === 'canvas' && newSubmission && !(s.gradingProgress === 'FullyGraded' && s.scoreGiven !== undefined) ? 1 : 0;
      const values = {
        needs_grading: needsGrading,
        score_given: given ?? null,
        score_maximum: s.scoreMaximum ?? null,
        // Normalised to the line item's maximum: 42/50 lands as 84 on a 100-point item.
        result_score: given !== undefined && s.scoreMaximum ? (given / s.scoreMaximum) * row.score_maximum : null,
        comment: s.comment ?? null,
        activity_progress: s.activityProgress,
        grading_progress: s.gradingProgress,
        timestamp: s.timestamp,
        timestamp_ms: mode === 'moodle' && !moodleGraded ? ctx.now() : ts,
        updated_at: ctx.now(),
      };
      await trx
        .insertInto('dp_results')
        .values({ line_item_id: row.id, user_id: s.userId, ...values })
        .onConflict((oc) => oc.columns(['line_item_id', 'user_id']).doUpdateSet(values))
        .execute();
      return 'applied' as const;
    });
    if (outcome === 'refused') return refuse(400, 'Score timestamp not valid: older than the current result');
    if (outcome === 'conflict') {
      res.status(409).type('text/plain').send(`Refusing score with an earlier timestamp for item ${String(row.id)} and user ${s.userId}`);
      return;
    }
    if (mode === 'canvas') res.status(200).json({ resultUrl: `${urlOf(row.id)}/results/${encodeURIComponent(s.userId)}` });
    else res.status(mode === 'moodle' ? 200 : 204).end();
  });

  router.get(`${base}/:id/results`, requireScope(ctx, SCOPES.resultReadonly), async (req, res) => {
    const row = await load(req, res);
    if (!row) return;
    const q = req.query as Record<string, unknown>;
    let query = ctx.db.selectFrom('dp_results').selectAll().where('line_item_id', '=', row.id).orderBy('user_id');
    if (typeof q.user_id === 'string') query = query.where('user_id', '=', q.user_id);
    const rows = await query.execute();
    const limit = Math.max(intParam(q.limit, 100), 1);
    const offset = intParam(q.offset, 0);
    if (offset + limit < rows.length) setLink(ctx, res, [{ url: selfUrl(ctx, req, { offset: String(offset + limit), limit: String(limit) }), rel: 'next' }]);
    send(
      res,
      200,
      RESULTS,
      rows.slice(offset, offset + limit).map((r) => ({
        id: `${urlOf(row.id)}/results/${encodeURIComponent(r.user_id)}`,
        scoreOf: urlOf(row.id),
        userId: r.user_id,
        ...(r.result_score !== null ? { resultScore: r.result_score, resultMaximum: row.score_maximum } : {}),
        ...(r.comment !== null ? { comment: r.comment } : {}),
      })),
    );
  });

  return router;
}
