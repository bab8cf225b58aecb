/**
 * The course's language (issue 13 item 7): the LMS grade comments are in the language of the course — by default the
 * locale of the first instructor launch — whatever the student's own locale, since student and instructor read the
 * same comment; the instructor changes it on the grade-sync page and the comments are sent again in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, parseForm, startTestLms, type TestBrowser } from '../support/devplatform.js';
import { startTestTool, type LaunchRig } from '../support/tool.js';
import { defaultPolicy } from '../../src/domain/gradePolicy.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';

describe('grade comments in the course language', () => {
  let rig: LaunchRig;
  let student: TestBrowser;
  let teacher: TestBrowser;
  beforeAll(async () => {
    const tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false });
    const lms = await startTestLms({ toolUrl: tool.config.BASE_URL });
    await tool.services.registerPlatform(lms.registration());
    rig = {
      tool,
      lms,
      toolUrl: tool.config.BASE_URL,
      close: async () => {
        await lms.close();
        await tool.close();
      },
    };
    // The instructor's LMS is in Spanish and opens the course first; the student's is in English.
    const instructor = lms.users.find((u) => u.roles.includes(INSTRUCTOR))!;
    lms.devplatform.setMemberLocale(instructor.id, 'es-MX');
    teacher = (await launchAs(lms, rig.toolUrl, { userId: instructor.id })).browser;
    const sub = lms.users.find((u) => u.roles.includes(LEARNER) && u.name)!.id;
    const launched = await launchAs(lms, rig.toolUrl, { userId: sub });
    expect(launched.response.status).toBe(200);
    student = launched.browser;
    // One column per objective (as in answersToGradebook.test.ts); saving a policy keeps the course language.
    const contextId = (await tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    await tool.advantage.lineItems.savePolicy({ ...defaultPolicy(contextId), perObjective: true, perActivity: false }, Date.now());
  });
  afterAll(async () => rig?.close());

  /** Answers the next item right, through the page's form. */
  async function answerRight(): Promise<void> {
    const url = `${rig.toolUrl}/student/practice`;
    let html = await (await student.get(url)).text();
    let form = parseForm(html, url);
    if (form?.action !== `${rig.toolUrl}/student/answer`) {
      const go = /href="(\/student\/practice\?[^"]*go=1)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      html = await (await student.get(`${rig.toolUrl}${go}`)).text();
      form = parseForm(html, `${rig.toolUrl}${go}`);
    }
    const fields = form!.fields;
    const row = await rig.tool.db.kysely.selectFrom('items').select('payload').where('id', '=', fields.itemId!).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    const right = Array.isArray(answer)
      ? answer.map(String)
      : answer && typeof answer === 'object' && 'value' in answer
        ? [String((answer as { value: number }).value)]
        : [String((answer as { accepted: string[] }).accepted[0])];
    const body = new URLSearchParams({ csrf: fields.csrf!, attemptId: fields.attemptId!, itemId: fields.itemId! });
    for (const a of right) body.append('answer', a);
    const cookie = Object.entries(student.cookies('localhost')).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${rig.toolUrl}/student/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: rig.toolUrl },
      body,
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    // The student's own pages stay in their language.
    expect(await res.text()).toContain('<html lang="en">');
  }

  const comments = async () => (await rig.lms.devplatform.scoreHistory()).map((s) => s.comment ?? '');

  it('sends Spanish comments to the gradebook, then English ones once the instructor chooses English', async () => {
    for (let i = 0; i < 4; i++) await answerRight();
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);
    const spanish = await comments();
    expect(spanish.length).toBeGreaterThan(0);
    // First right answer: the mastery check ("haciendo la prueba de dominio"); after it, the percentage mastered.
    expect(spanish.join('\n')).toMatch(/Dominados \d+ de \d+ objetivos|dominado el \d{1,2} [a-z]+\.? \d{4}/);
    for (const c of spanish) expect(c).not.toMatch(/mastered|Mastered|practising|not started/);

    // The grade-sync page shows the course language and changes it; the comments go again in English.
    const page = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    expect(page).toContain('<html lang="es">');
    expect(page).toMatch(/<option value="es" lang="es" selected>Español<\/option>/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const policy = { csrf, policy: 'fraction_mastered', perObjective: '1', activityGrade: 'percent_mastered', scoreMaximum: '100' };
    const saved = await teacher.postForm(`${rig.toolUrl}/instructor/grades/policy`, { ...policy, language: 'en' }, { origin: rig.toolUrl });
    expect(saved.status).toBe(303);
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);
    const after = (await comments()).slice(spanish.length);
    expect(after.length).toBeGreaterThan(0);
    expect(after.join('\n')).toMatch(/mastered on \d{1,2} [A-Z][a-z]+ \d{4}/);
    const again = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    expect(again).toMatch(/<option value="en" lang="en" selected>English<\/option>/);

    // A later instructor launch in another locale does not change the course's choice.
    const other = rig.lms.users.filter((u) => u.roles.includes(INSTRUCTOR))[1];
    if (other) {
      rig.lms.devplatform.setMemberLocale(other.id, 'es');
      await launchAs(rig.lms, rig.toolUrl, { userId: other.id });
      const language = await rig.tool.db.kysely.selectFrom('contexts').select('language').executeTakeFirstOrThrow();
      expect(language.language).toBe('en');
    }
  });
});
