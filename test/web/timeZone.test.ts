/**
 * Times in the reader's time zone (docs/decisions/0029-reader-time-zone.md): pages show UTC, named, until the browser
 * reports its zone once (POST /session/time-zone, CSRF-checked); then the dashboard and the audit log show that zone.
 * A zone we do not know is refused with ERR_TIME_ZONE_INVALID and nothing is kept. Canvas's
 * `$Person.address.timezone` (custom `canvas_user_timezone`) is the first guess.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM } from '../../src/devplatform/index.js';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { systemClock } from '../../src/services/ports.js';
import { aCourseFile, rightAnswerFor } from '../factories.engine.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { errorOf, loginAt, startRig, type LaunchRig } from '../support/tool.js';
import { signValue } from '../../src/web/cookies.js';
import { SESSION_HEADER } from '../../src/web/session.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const askOf = (html: string) => /<meta name="masterly-time-zone" content="([^"]+)">/.exec(html)?.[1];
/** The students' "last activity" cells that hold a time (the others say "Never"). */
const lastTimes = (html: string) => [...html.matchAll(/<td class="last">([^<]*)<\/td>/g)].map((m) => m[1] ?? '').filter((s) => /\d/.test(s));
/** The audit log's "when" cells. */
const auditTimes = (html: string) => [...html.matchAll(/<tr data-action="[^"]+"><td>([^<]*)<\/td>/g)].map((m) => m[1] ?? '');

describe('times in the reader’s time zone', () => {
  let rig: LaunchRig;
  let instructor: TestBrowser;
  let learnerId: string;
  let sessionId: string;

  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    const s = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    const i = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    await launchAs(rig.lms, rig.toolUrl, { userId: s.id });
    instructor = (await launchAs(rig.lms, rig.toolUrl, { userId: i.id })).browser;
    const db = rig.tool.db.kysely;
    const contextId = (await db.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    learnerId = (await db.selectFrom('users').select('id').where('sub', '=', s.id).executeTakeFirstOrThrow()).id;
    const engine = { courses: courseRepo(db), learners: learnerStore(db, rig.tool.db.dialect), clock: systemClock };
    await importCourse(engine, { contextId, file: aCourseFile() });
    const item = (await courseRepo(db).listItems(contextId)).find((it) => it.key === 'A-0')!;
    await submitResponse(engine, { contextId, userId: learnerId, itemId: item.id, attemptId: 'tz-attempt-1', answer: rightAnswerFor(item.kind) });
    // An export is audited: the audit log then has a line with a time.
    expect((await instructor.get(`${rig.toolUrl}/instructor/students/${learnerId}/export.json`)).status).toBe(200);
    const userId = (await db.selectFrom('users').select('id').where('sub', '=', i.id).executeTakeFirstOrThrow()).id;
    sessionId = (await db.selectFrom('launch_sessions').select('id').where('user_id', '=', userId).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => rig?.close());

  const storedZone = async () => (await rig.tool.db.kysely.selectFrom('launch_sessions').select('time_zone').where('id', '=', sessionId).executeTakeFirstOrThrow()).time_zone;

  it('shows UTC, named, until the browser says its zone; the page asks for it with the script and a CSRF token', async () => {
    const html = await (await instructor.get(`${rig.toolUrl}/instructor`)).text();
    expect(askOf(html)).toBeTruthy();
    expect(html).toContain('<script src="/static/timeZone.js" defer></script>');
    expect(lastTimes(html)).toHaveLength(1);
    expect(lastTimes(html)[0]).toMatch(/ UTC$/);
    const audit = await (await instructor.get(`${rig.toolUrl}/instructor/audit`)).text();
    expect(auditTimes(audit).length).toBeGreaterThan(0);
    for (const w of auditTimes(audit)) expect(w).toMatch(/^[A-Z][a-z]{2} \d+, \d{4}, \d+:\d\d [AP]M UTC$/);
  });

  it('refuses a zone it does not know (ERR_TIME_ZONE_INVALID) and a post without the CSRF token; nothing is kept', async () => {
    const csrf = askOf(await (await instructor.get(`${rig.toolUrl}/instructor`)).text())!;
    for (const bad of ['Mars/Olympus_Mons', '+05:30', '$Person.address.timezone', '']) {
      const res = await instructor.postForm(`${rig.toolUrl}/session/time-zone`, { timeZone: bad, csrf }, { origin: rig.toolUrl });
      expect(res.status, bad).toBe(422);
      expect(errorOf(await res.text()).code).toBe('ERR_TIME_ZONE_INVALID');
    }
    const forged = await instructor.postForm(`${rig.toolUrl}/session/time-zone`, { timeZone: 'Asia/Kolkata', csrf: 'forged' }, { origin: rig.toolUrl });
    expect(forged.status).toBe(403);
    expect(errorOf(await forged.text()).code).toBe('ERR_CSRF_INVALID');
    const anonymous = await fetch(`${rig.toolUrl}/session/time-zone`, { method: 'POST', body: new URLSearchParams({ timeZone: 'Asia/Kolkata', csrf }) });
    expect(anonymous.status).toBe(401);
    expect(await storedZone()).toBeNull();
    expect(lastTimes(await (await instructor.get(`${rig.toolUrl}/instructor`)).text())[0]).toMatch(/ UTC$/);
  });

  it('keeps the zone the browser reports and shows the dashboard and the audit log in it, without asking again', async () => {
    const csrf = askOf(await (await instructor.get(`${rig.toolUrl}/instructor`)).text())!;
    const res = await instructor.postForm(`${rig.toolUrl}/session/time-zone`, { timeZone: 'Asia/Kolkata', csrf }, { origin: rig.toolUrl });
    expect(res.status).toBe(204);
    expect(await storedZone()).toBe('Asia/Kolkata');
    const html = await (await instructor.get(`${rig.toolUrl}/instructor`)).text();
    expect(askOf(html)).toBeUndefined();
    expect(html).not.toContain('timeZone.js');
    expect(lastTimes(html)[0]).toMatch(/ GMT\+5:30$/);
    const student = await (await instructor.get(`${rig.toolUrl}/instructor/students/${learnerId}`)).text();
    expect(student).toMatch(/GMT\+5:30/);
    expect(student).not.toMatch(/\d [AP]M UTC/);
    const audit = await (await instructor.get(`${rig.toolUrl}/instructor/audit`)).text();
    expect(auditTimes(audit).length).toBeGreaterThan(0);
    for (const w of auditTimes(audit)) expect(w).toMatch(/ GMT\+5:30$/);
    // The audit CSV stays machine-readable: ISO 8601 in UTC.
    const csv = await (await instructor.get(`${rig.toolUrl}/instructor/audit.csv`)).text();
    expect(csv).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/);
  });

  it('takes the report in token mode (cookie-less launch, ADR 0021): the session travels in the header, not a cookie', async () => {
    const i = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    await launchAs(rig.lms, rig.toolUrl, { userId: i.id });
    const userId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', i.id).executeTakeFirstOrThrow()).id;
    const newest = await rig.tool.db.kysely.selectFrom('launch_sessions').select('id').where('user_id', '=', userId).where('time_zone', 'is', null).executeTakeFirstOrThrow();
    const headers = { [SESSION_HEADER]: signValue(rig.tool.config.COOKIE_SECRET!, newest.id) };
    const page = await (await fetch(`${rig.toolUrl}/instructor`, { headers })).text();
    expect(page).toContain('<script src="/static/timeZone.js" defer></script>');
    const res = await fetch(`${rig.toolUrl}/session/time-zone`, { method: 'POST', headers, body: new URLSearchParams({ timeZone: 'America/Mexico_City', csrf: askOf(page)! }) });
    expect(res.status).toBe(204);
    const kept = await rig.tool.db.kysely.selectFrom('launch_sessions').select('time_zone').where('id', '=', newest.id).executeTakeFirstOrThrow();
    expect(kept.time_zone).toBe('America/Mexico_City');
    expect(lastTimes(await (await fetch(`${rig.toolUrl}/instructor`, { headers })).text())[0]).toMatch(/ CST$/);
  });

  it('takes Canvas’s $Person.address.timezone as the first guess, and still asks the browser', async () => {
    const i = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const launchWith = async (zone: string) => {
      const { state, nonce, browser: b } = await loginAt(rig, i.id);
      const claims = rig.lms.launchClaims({ userId: i.id, nonce });
      claims[CLAIM.custom] = { ...(claims[CLAIM.custom] as Record<string, unknown>), canvas_user_timezone: zone };
      await b.follow(await b.postForm(`${rig.toolUrl}/lti/launch`, { id_token: await rig.lms.signIdToken(claims), state }, { origin: rig.lms.url }));
      return (await b.get(`${rig.toolUrl}/instructor`)).text();
    };
    const guessed = await launchWith('America/Mexico_City');
    expect(lastTimes(guessed)[0]).toMatch(/ CST$/);
    expect(askOf(guessed)).toBeTruthy();
    const unexpanded = await launchWith('$Person.address.timezone');
    expect(lastTimes(unexpanded)[0]).toMatch(/ UTC$/);
  });
});
