/**
 * Smoke test of the BUILT tool, run by .ci/run after `npm run build` (`npm run smoke`): the tests run from source, so
 * only this catches what breaks in `dist/` (paths to views, static files and seed data, the CLIs, the start script).
 *
 * It starts `npm start` as an operator would — NODE_ENV=production with the three secrets, a temporary SQLite file (or
 * the EMPTY PostgreSQL database named by SMOKE_DATABASE_URL; .ci/run creates one), demo mode off as at a school —
 * registers its own LMS emulator with the built CLI (`node dist/src/cli/platform.js add`), launches an instructor
 * through that emulator over HTTP (OIDC login, auto-posted id_token), who lands on the course set-up page and starts
 * from a sample unit (which proves seed/ resolves from dist), then a student, renders the mastery map and a practice
 * item, posts one answer, and checks that the answer was stored, `/healthz`, a static file and the built emulator's
 * course page. Any failure exits 1 with the step, the reason and the tail of the tool's log.
 *
 * Cookies: the tool's session and login cookies are always `SameSite=None; Secure` (production changes nothing
 * there); browsers accept Secure cookies from http://localhost, and so does the test browser used here.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { findProjectRoot } from '../../src/projectRoot.js';
import type { startDevPlatform } from '../../src/devplatform/index.js';
import { launchAs, parseForm, startTestLms, type TestBrowser, type TestLms } from '../support/devplatform.js';
import { freePort } from '../support/tool.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const root = findProjectRoot(import.meta.dirname);

class SmokeFailure extends Error {}
const fail = (message: string): never => {
  throw new SmokeFailure(message);
};
const check = (ok: unknown, message: string): void => {
  if (!ok) fail(message);
};

let current = 'set-up';
const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  current = name;
  const t0 = Date.now();
  const result = await work();
  console.log(`  ok  ${name} (${Date.now() - t0} ms)`);
  return result;
};

/** What the tool printed, kept for the failure report. */
const toolLog: string[] = [];

/** `npm start` in its own process group (npm → sh → node), so stopping it stops the server too. */
function startBuiltTool(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => toolLog.push(...chunk.split('\n').filter(Boolean)));
  }
  return child;
}

async function stopBuiltTool(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  const killer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

/** Polls `url` until it answers 200, the process exits, or 60 s pass. */
async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`npm start exited with code ${child.exitCode} before ${url} answered`);
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return;
    await res?.body?.cancel();
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${url} did not answer 200 within 60 s`);
}

async function pageOf(b: TestBrowser, url: string, what: string): Promise<string> {
  const res = await b.get(url);
  const html = await res.text();
  check(res.status === 200, `${what} (${url}) answered ${res.status}: ${html.slice(0, 300)}`);
  check(/<html/i.test(html), `${what} is not an HTML page`);
  return html;
}

/** Posts a form carrying the browser's cookies, as the practice page's form does. */
async function postForm(b: TestBrowser, url: string, fields: Record<string, string>): Promise<Response> {
  const cookie = Object.entries(b.cookies(new URL(url).hostname)).map(([k, v]) => `${k}=${v}`).join('; ');
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: new URL(url).origin },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

/** Rows in `responses`, read straight from the database the built tool writes to. */
async function countResponses(url: string): Promise<number> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('select count(*) as n from responses').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('select count(*) as n from responses')).rows[0]?.n);
  } finally {
    await client.end();
  }
}

async function smoke(): Promise<void> {
  check(fs.existsSync(path.join(root, 'dist/src/main.js')), 'dist/src/main.js is missing: run `npm run build` first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-smoke-'));
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const toolUrl = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    BASE_URL: toolUrl,
    DATABASE_URL: process.env.SMOKE_DATABASE_URL ?? `sqlite:${path.join(tmp, 'masterly.db')}`,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    DATA_DIR: tmp,
    LOG_LEVEL: 'info',
  };
  let lms: TestLms | undefined;
  let child: ChildProcess | undefined;
  try {
    lms = await step('start an LMS emulator', () => startTestLms({ toolUrl }));
    const reg = lms.registration();
    await step('register it with the built CLI (node dist/src/cli/platform.js add)', async () => {
      const args = ['dist/src/cli/platform.js', 'add', '--issuer', reg.issuer, '--client-id', reg.clientId, '--auth-url', reg.authUrl];
      args.push('--token-url', reg.tokenUrl, '--jwks-url', reg.jwksUrl, '--name', 'Smoke LMS', '--vendor', reg.vendor);
      for (const d of reg.deploymentIds) args.push('--deployment', d);
      await promisify(execFile)(process.execPath, args, { cwd: root, env }).catch((err: { stderr?: string; message: string }) =>
        fail(`the platform CLI failed: ${err.stderr?.trim() || err.message}`),
      );
    });
    child = startBuiltTool(env);
    const tool = child;
    await step('npm start (NODE_ENV=production) answers /healthz', () => waitFor(`${toolUrl}/healthz`, tool));
    await step('/healthz reports ok', async () => {
      const body = (await (await fetch(`${toolUrl}/healthz`)).json()) as { status?: string };
      check(body.status === 'ok', `/healthz said ${JSON.stringify(body)}`);
    });
    await step('a static file is served (/static/app.css)', async () => {
      const res = await fetch(`${toolUrl}/static/app.css`);
      check(res.status === 200 && (res.headers.get('content-type') ?? '').includes('css'), `/static/app.css answered ${res.status}`);
      await res.body?.cancel();
    });
    await step('the built LMS emulator renders its course page and stylesheet', async () => {
      const built = (await import(path.join(root, 'dist/src/devplatform/index.js'))) as { startDevPlatform: typeof startDevPlatform };
      const emulator = await built.startDevPlatform({ port: emulatorPort, toolUrl });
      try {
        const css = await fetch(`${emulator.url}/devplatform.css`);
        check(css.status === 200, `the built emulator's stylesheet answered ${css.status}`);
        const page = await fetch(`${emulator.url}/`);
        check(page.status === 200 && (await page.text()).includes('Launch'), `the built emulator's course page answered ${page.status}`);
      } finally {
        await emulator.close();
      }
    });

    const teacher = lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor'))) ?? fail('the emulator has no instructor');
    await step('an instructor launches into the empty course and lands on set-up (/instructor/setup)', async () => {
      const { response, browser } = await launchAs(lms as TestLms, toolUrl, { userId: teacher.id });
      const html = await response.text();
      check(response.status === 200 && browser.urlOf(response) === `${toolUrl}/instructor/setup`, `the launch answered ${response.status} at ${browser.urlOf(response)}`);
      check(html.includes('value="statistics"'), 'the set-up page lists no statistics sample unit (seed/ not found?)');
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? fail('the set-up page has no CSRF token');
      const res = await postForm(browser, `${toolUrl}/instructor/setup`, { csrf, action: 'sample', sample: 'statistics' });
      check(res.status === 303, `starting from the sample answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const done = await pageOf(browser, `${toolUrl}/instructor/setup?done=1`, 'the set-up confirmation');
      check(done.includes('data-testid="done"'), 'the set-up page does not confirm the sample unit');
    });

    const student = lms.users.find((u) => u.roles.includes(LEARNER) && u.name) ?? fail('the emulator has no student');
    const b = await step('a student launches through the emulator (OIDC login, id_token form post) straight onto the mastery map (/student)', async () => {
      const { response, browser } = await launchAs(lms as TestLms, toolUrl, { userId: student.id });
      const html = await response.text();
      check(response.status === 200 && browser.urlOf(response) === `${toolUrl}/student`, `the launch answered ${response.status} at ${browser.urlOf(response)}: ${html.slice(0, 300)}`);
      check(html.includes('<ol class="objectives">') && html.includes('id="objective-'), 'the mastery map the launch opened lists no objective');
      return browser;
    });
    const item = await step('a practice item renders (/student/practice)', async () => {
      const lesson = await pageOf(b, `${toolUrl}/student/practice`, 'the practice page');
      const go = /href="(\/student\/practice\?[^"]*go=1)"/.exec(lesson)?.[1]?.replace(/&amp;/g, '&');
      const url = go ? `${toolUrl}${go}` : `${toolUrl}/student/practice`;
      const html = await pageOf(b, url, 'the practice item');
      const form = parseForm(html, url);
      check(form?.action === `${toolUrl}/student/answer`, 'the practice page has no answer form');
      return form?.fields ?? {};
    });
    await step('the student posts an answer (POST /student/answer) and it is stored', async () => {
      const res = await postForm(b, `${toolUrl}/student/answer`, { ...item, answer: item.answer || '1' });
      const html = await res.text();
      check(res.status === 200, `the answer was answered with ${res.status}: ${html.slice(0, 300)}`);
      const n = await countResponses(env.DATABASE_URL as string);
      check(n === 1, `expected 1 stored response after the answer, found ${n}`);
    });
  } finally {
    if (child) await stopBuiltTool(child);
    await lms?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

console.log('Smoke test of the built tool (npm start):');
try {
  await smoke();
  console.log('Smoke test passed.');
} catch (err) {
  const reason = err instanceof SmokeFailure ? err.message : (err as Error).stack ?? String(err);
  console.error(`\nSMOKE TEST FAILED at "${current}": ${reason}`);
  if (toolLog.length) console.error(`\nLast lines of the tool's output:\n${toolLog.slice(-30).join('\n')}`);
  process.exitCode = 1;
}
