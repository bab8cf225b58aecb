/**
 * Operations: `/metrics` (Prometheus, behind METRICS_TOKEN) reports launches and refusals by reason, answers,
 * request latency by route pattern, the grade outbox, LMS calls and job runs after real launches and answers; and the
 * log of all that (debug level, everything captured) carries ids, never the student's name, e-mail or answers.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, launchAs, parseForm, startTestLms, type TestBrowser, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;

describe('metrics and log minimisation', () => {
  let tool: TestTool;
  let lms: TestLms;
  let toolUrl: string;
  const logLines: string[] = [];
  const secretAnswer = `zanzibar-${randomBytes(3).toString('hex')}`;
  beforeAll(async () => {
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (logLines.push(chunk.toString()), cb()) });
    tool = await startTestTool({ env: { DEMO: 'true', METRICS_TOKEN, LOG_LEVEL: 'debug', OUTBOX_IDLE_MS: '50' }, logger: pino({ level: 'debug' }, sink) });
    toolUrl = tool.config.BASE_URL;
    lms = await startTestLms({ toolUrl });
    await tool.services.registerPlatform(lms.registration());
  });
  afterAll(async () => {
    await lms?.close();
    await tool?.close();
  });

  const post = (br: TestBrowser, url: string, fields: Record<string, string>) => {
    const cookie = Object.entries(br.cookies('localhost')).map(([k, v]) => `${k}=${v}`).join('; ');
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: toolUrl }, body: new URLSearchParams(fields), redirect: 'manual' });
  };

  it('drives launches, a refusal and answers, then /metrics reports them (token required)', async () => {
    const student = lms.devplatform.users.find((u) => u.name === 'Hana Suzuki')!;
    const { browser: b, response } = await launchAs(lms, toolUrl, { userId: student.id });
    expect(response.status).toBe(200);
    const lesson = await (await b.get(`${toolUrl}/student/practice`)).text();
    const href = /href="(\/student\/practice\?objective=[^"]+&amp;go=1)"/.exec(lesson)![1]!.replace(/&amp;/g, '&');
    for (let i = 0; i < 3; i++) {
      const page = await (await b.get(`${toolUrl}${href}`)).text();
      const form = parseForm(page, `${toolUrl}${href}`)!;
      await post(b, `${toolUrl}/student/answer`, { csrf: form.fields.csrf!, attemptId: form.fields.attemptId!, itemId: form.fields.itemId!, answer: secretAnswer });
    }
    const refused = await browser().postForm(`${toolUrl}/lti/launch`, { id_token: 'not-a-jwt', state: 'nope' }, { origin: lms.url });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const teacher = lms.devplatform.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const t = await launchAs(lms, toolUrl, { userId: teacher.id });
    const userId = (await tool.db.kysely.selectFrom('users').select('id').where('sub', '=', student.id).executeTakeFirstOrThrow()).id;
    await t.browser.get(`${toolUrl}/instructor/students/${userId}`);
    await tool.advantage.drainUntilIdle({ deadlineMs: 5000 });

    expect((await fetch(`${toolUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${toolUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(404);
    const res = await fetch(`${toolUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^masterly_lti_launches_total\{result="ok",reason=""\} 2$/m);
    expect(text).toMatch(/^masterly_lti_launches_total\{result="refused",reason="[a-z_]+"\} 1$/m);
    expect(text).toMatch(/^masterly_answers_total\{result="(accepted|refused)"\} [1-9]/m);
    expect(text).toMatch(/^masterly_http_request_duration_seconds_count\{route="\/instructor\/students\/:userId",method="GET",status="200"\} 1$/m);
    expect(text).toMatch(/^masterly_http_request_duration_seconds_count\{route="\/lti\/launch",method="POST",status="\d+"\} \d+$/m);
    expect(text).not.toContain(userId); // route patterns, never raw URLs
    expect(text).toMatch(/^masterly_grade_outbox_depth \d+$/m);
    expect(text).toMatch(/^masterly_grade_outbox_oldest_age_seconds [\d.]+$/m);
    expect(text).toMatch(/^masterly_lms_call_duration_seconds_count\{status="200"\} [1-9]/m);
    expect(text).toMatch(/^masterly_job_runs_total\{job="outbox",result="ok"\} [1-9]/m);
    expect(text).toMatch(/^# HELP masterly_roster_syncs_total /m);
  });

  it('logs carry ids, never the student’s name, e-mail or answers', () => {
    const student = lms.devplatform.users.find((u) => u.name === 'Hana Suzuki')!;
    const log = logLines.join('');
    expect(log).toContain('request completed');
    expect(log.length).toBeGreaterThan(1000);
    for (const secret of [student.name, student.givenName!, student.familyName!, student.email!, secretAnswer]) expect(log, secret).not.toContain(secret);
  });
});
