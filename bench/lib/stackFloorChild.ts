/**
 * Child-process entry of the stack floor (bench/lib/stackFloor.ts): what our stack — Node's HTTP server, Express 5
 * with cookie-parser and the urlencoded body parser, EJS, `pg` on PostgreSQL and jose — costs for the same requests
 * and database statements as Masterly's, with no application work. Same IPC protocol as the tools
 * (bench/lib/launchChild.ts), so the benches drive and measure it exactly as they do Masterly.
 *
 * - A launch, as Masterly's learner launch: GET /login (1 statement: the state is stored) → 302 to the platform;
 *   POST /launch (the id_token verified with jose against the platform's JWKS, cached; 2 statements: the state taken
 *   back, the session stored) → 303 /page; GET /page (1 statement: the session) → a page naming the course.
 * - A practice page + answer, as Masterly's: GET /student/practice (2 statements) → a page with the form's hidden
 *   fields; POST /student/answer (2 statements) → a feedback page. Pages are `PAGE_BYTES` long, Masterly's size.
 */
import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import ejs from 'ejs';
import express, { type Request, type Response } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { z } from 'zod';
import { answerBench } from './toolChildIpc.js';

const Setup = z.object({
  type: z.literal('setup'),
  port: z.number(),
  databaseUrl: z.string(),
  /** Bytes of filler per page, so that rendering and writing cost what Masterly's pages do. */
  pageBytes: z.number(),
  platform: z.object({ issuer: z.string(), clientId: z.string(), authUrl: z.string(), jwksUrl: z.string() }).optional(),
});

let statements = 0;
let pool: pg.Pool | undefined;
let server: ReturnType<express.Express['listen']> | undefined;

const page = ejs.compile(
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title><%= title %></title><link rel="stylesheet" href="/static/app.css"></head>
<body><main><h1><%= title %></h1><p><%= course %></p>
<% if (form) { %><form method="post" action="/student/answer"><input type="hidden" name="csrf" value="<%= form.csrf %>"><input type="hidden" name="attemptId" value="<%= form.attemptId %>"><input type="hidden" name="itemId" value="<%= form.itemId %>">
<% for (const c of choices) { %><label><input type="radio" name="answer" value="<%= c.key %>"> <%= c.text %></label><% } %><button>Check</button></form><% } %>
<p><%= filler %></p></main></body></html>`,
);

async function setup(msg: z.infer<typeof Setup>): Promise<void> {
  const db = new pg.Pool({ connectionString: msg.databaseUrl, max: 10 });
  pool = db;
  const query = async (sql: string, values: unknown[]) => {
    statements++;
    return (await db.query(sql, values)).rows as Record<string, unknown>[];
  };
  await db.query('create table if not exists floor_states (state text primary key, nonce text not null, created bigint not null)');
  await db.query('create table if not exists floor_sessions (id text primary key, user_id text not null, course text not null, answers int not null default 0)');
  const choices = [1, 2, 3, 4].map((k) => ({ key: `k${k}`, text: `Choice ${k}` }));
  const formOf = () => ({ csrf: 'floor', attemptId: randomUUID(), itemId: 'item-1' });
  // Filler makes each page (with or without the answer form) `pageBytes` long.
  const fillerFor = (form: boolean) => 'x'.repeat(Math.max(0, msg.pageBytes - page({ title: 'Practice', course: 'Course title', filler: '', choices, form: form ? formOf() : undefined }).length));
  const fillers = { form: fillerFor(true), plain: fillerFor(false) };
  const render = (res: Response, course: string, form: boolean) =>
    res.type('html').send(page({ title: 'Practice', course, filler: form ? fillers.form : fillers.plain, choices, form: form ? formOf() : undefined }));
  const sessionOf = async (req: Request) => {
    const id = (req.cookies as Record<string, string | undefined>).floor_session ?? '';
    return (await query('select id, course from floor_sessions where id = $1', [id]))[0];
  };

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('x-request-id', randomUUID());
    res.setHeader('content-security-policy', "default-src 'self'; frame-ancestors 'self' http://localhost");
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  app.use(cookieParser());
  const form = express.urlencoded({ extended: false, limit: '200kb' });
  app.use((req, res, next) => (req.method === 'GET' ? next() : form(req, res, next)));
  const wrap = (fn: (req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response, next: (err: unknown) => void) => {
    fn(req, res).catch(next);
  };

  if (msg.platform) {
    const platform = msg.platform;
    const jwks = createRemoteJWKSet(new URL(platform.jwksUrl));
    app.get(
      '/login',
      wrap(async (req, res) => {
        const state = randomUUID();
        const nonce = randomUUID();
        await query('insert into floor_states (state, nonce, created) values ($1, $2, $3)', [state, nonce, Date.now()]);
        const q = new URLSearchParams({ scope: 'openid', response_type: 'id_token', response_mode: 'form_post', prompt: 'none', client_id: platform.clientId, redirect_uri: `${req.protocol}://${req.get('host') ?? ''}/launch`, login_hint: String(req.query.login_hint ?? ''), lti_message_hint: String(req.query.lti_message_hint ?? ''), state, nonce });
        res.cookie('floor_state', state, { httpOnly: true, sameSite: 'none', secure: true, maxAge: 600_000 });
        res.redirect(302, `${platform.authUrl}?${q.toString()}`);
      }),
    );
    app.post(
      '/launch',
      wrap(async (req, res) => {
        const body = req.body as Record<string, string | undefined>;
        if (!body.state || body.state !== (req.cookies as Record<string, string | undefined>).floor_state) throw new Error('state');
        const { payload } = await jwtVerify(body.id_token ?? '', jwks, { issuer: platform.issuer, audience: platform.clientId });
        const [taken] = await query('delete from floor_states where state = $1 returning nonce', [body.state]);
        if (!taken || taken.nonce !== payload.nonce) throw new Error('nonce');
        const context = payload['https://purl.imsglobal.org/spec/lti/claim/context'] as { title?: string } | undefined;
        const id = randomUUID();
        await query('insert into floor_sessions (id, user_id, course) values ($1, $2, $3)', [id, payload.sub ?? '', context?.title ?? '']);
        res.cookie('floor_session', id, { httpOnly: true, sameSite: 'none', secure: true, maxAge: 3_600_000 });
        res.redirect(303, '/page');
      }),
    );
    app.get(
      '/page',
      wrap(async (req, res) => {
        const s = await sessionOf(req);
        if (!s) return res.status(401).send('no session');
        return render(res, String(s.course), false);
      }),
    );
  }
  app.get(
    '/student/practice',
    wrap(async (req, res) => {
      const s = await sessionOf(req);
      if (!s) return res.status(401).send('no session');
      await query('select answers from floor_sessions where id = $1', [s.id]);
      return render(res, String(s.course), true);
    }),
  );
  app.post(
    '/student/answer',
    wrap(async (req, res) => {
      const s = await sessionOf(req);
      if (!s) return res.status(401).send('no session');
      await query('update floor_sessions set answers = answers + 1 where id = $1', [s.id]);
      return render(res, String(s.course), false);
    }),
  );
  /** Sessions for the answers bench's students (they practise without launching): POST /sessions?n=N → ids. */
  app.post(
    '/sessions',
    wrap(async (req, res) => {
      const ids = Array.from({ length: Number(req.query.n ?? 1) }, () => randomUUID());
      for (const id of ids) await db.query('insert into floor_sessions (id, user_id, course) values ($1, $1, $2)', [id, 'Floor course']);
      res.json(ids);
    }),
  );
  await new Promise<void>((resolve) => {
    server = app.listen(msg.port, () => resolve());
  });
}

answerBench({
  setupSchema: Setup,
  setup,
  statements: () => statements,
  stop: async () => {
    server?.close();
    await pool?.end();
  },
});
