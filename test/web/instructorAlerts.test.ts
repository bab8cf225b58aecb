import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { systemClock } from '../../src/services/ports.js';
import { aCourseFile, answerToCycleCap, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { errorOf, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/** A local SMTP sink: accepts every message and keeps it (CI has no mail server). */
async function smtpSink(): Promise<{ url: string; mails: { to: string[]; raw: string }[]; close(): Promise<void> }> {
  const mails: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('instructor alerts: the in-app list and the e-mail digest', () => {
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let rig: LaunchRig;
  let contextId: string;
  let learnerId: string;
  let instructorBrowser: TestBrowser;
  beforeAll(async () => {
    sink = await smtpSink();
    // Digests are scheduled only with SMTP_URL; the test sends them by calling the schedule's service directly.
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false, env: { SMTP_URL: sink.url, DIGEST_EVERY_MS: '0', MAIL_FROM: 'Masterly <alerts@tool.example>' } });
  });
  afterAll(async () => {
    await rig?.close();
    await sink?.close();
  });

  const student = () => rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name && u.email) as { id: string; name: string; email: string };
  const instructor = () => rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`) && u.email) as { id: string; name: string; email: string };
  const engine = () => ({ courses: courseRepo(rig.tool.db.kysely), learners: learnerStore(rig.tool.db.kysely, rig.tool.db.dialect), clock: systemClock });
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it('lists a student stuck at the cap as a new alert with a suggested action, for instructors only', async () => {
    const learner = await launchAs(rig.lms, rig.toolUrl, { userId: student().id });
    contextId = (await rig.tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    learnerId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', student().id).executeTakeFirstOrThrow()).id;
    await importCourse(engine(), { contextId, file: aCourseFile() });
    const refused = await learner.browser.get(`${rig.toolUrl}/instructor/alerts`);
    expect(refused.status).toBe(403);
    expect(errorOf(await refused.text()).code).toBe('ERR_FORBIDDEN');

    const items = await courseRepo(rig.tool.db.kysely).listItems(contextId);
    let n = 0;
    await answerToCycleCap((key, right) => {
      const item = items.find((it) => it.key === key)!;
      return submitResponse(engine(), { contextId, userId: learnerId, itemId: item.id, attemptId: `alert-${++n}-attempt`, answer: right ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
    });
    instructorBrowser = (await launchAs(rig.lms, rig.toolUrl, { userId: instructor().id })).browser;
    const html = await (await instructorBrowser.get(`${rig.toolUrl}/instructor/alerts`)).text();
    const list = /data-testid="alerts">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    expect(list).toContain(student().name);
    expect(list).toMatch(/<span class="badge badge-active">New<\/span>/);
    expect(list).toMatch(/Not mastered after \d+ failed checks/);
    expect(list).toContain('Suggested: open their answers');
    expect(html).toMatch(/<a href="\/instructor\/alerts" aria-current="page">Alerts<\/a>/);
    expect(html).toContain('E-mail digests: on');
  });

  it('marks alerts read (CSRF-checked): they stay listed, no longer new', async () => {
    const page = await (await instructorBrowser.get(`${rig.toolUrl}/instructor/alerts`)).text();
    const forged = await instructorBrowser.postForm(`${rig.toolUrl}/instructor/alerts/read`, { csrf: 'forged' }, { origin: rig.toolUrl });
    expect(forged.status).toBe(403);
    expect(errorOf(await forged.text()).code).toBe('ERR_CSRF_INVALID');
    const res = await instructorBrowser.postForm(`${rig.toolUrl}/instructor/alerts/read`, { csrf: csrfOf(page) }, { origin: rig.toolUrl });
    expect(res.status).toBe(303);
    const after = await (await instructorBrowser.get(`${rig.toolUrl}${res.headers.get('location') ?? ''}`)).text();
    expect(after).toMatch(/1 alert marked read\./);
    expect(after).toContain(student().name);
    expect(after).not.toContain('badge-active">New<');
  });

  it('e-mails each instructor one digest of what is new, with no more than the dashboard shows, and nothing twice', async () => {
    const first = await rig.tool.composition.alerts.sendAlertDigests();
    expect(first).toEqual({ sent: 1, failed: 0 });
    expect(sink.mails).toHaveLength(1);
    const mail = sink.mails[0]!;
    expect(mail.to).toEqual([instructor().email]);
    expect(mail.raw).toMatch(/Subject: Masterly: 1 new alert in/);
    expect(mail.raw).toContain(student().name);
    expect(mail.raw).toContain('Suggested: open their answers');
    expect(mail.raw).not.toContain(student().email);
    expect(mail.raw).not.toMatch(/P\(mastery\)|\d+%/);
    // The learner (also enrolled, with an e-mail address) gets nothing; a second run finds nothing new.
    expect(await rig.tool.composition.alerts.sendAlertDigests()).toEqual({ sent: 0, failed: 0 });
    expect(sink.mails).toHaveLength(1);
  });

  it('writes the digest in the course language the instructor chose on the grade-sync page', async () => {
    const grades = await (await instructorBrowser.get(`${rig.toolUrl}/instructor/grades`)).text();
    const policy = { csrf: csrfOf(grades), policy: 'fraction_mastered', perActivity: '1', activityGrade: 'percent_mastered', scoreMaximum: '100', language: 'es' };
    expect((await instructorBrowser.postForm(`${rig.toolUrl}/instructor/grades/policy`, policy, { origin: rig.toolUrl })).status).toBe(303);
    // As if the alert were new again (the first digest already reported it).
    await rig.tool.db.kysely.updateTable('instructor_alert_marks').set({ emailed_at: null }).execute();
    expect(await rig.tool.composition.alerts.sendAlertDigests()).toEqual({ sent: 1, failed: 0 });
    const mail = sink.mails[1]!;
    expect(mail.raw).toMatch(/Subject: Masterly: 1 alerta nueva en/);
    expect(mail.raw).toContain('Sugerencia: abre sus respuestas');
    expect(mail.raw).not.toContain('Suggested:');
  });
});
