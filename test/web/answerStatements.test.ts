import type { LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, parseForm, startTestLms, type TestBrowser, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/**
 * The budget of what students do all day (see `npm run bench -- answers`): a practice page and an answer take the
 * compiled course and the session from memory; the learner's one read also reads the course's version. The grade
 * hook's statements count too: on PostgreSQL an answer is the learner's lock (with the item's statistics), one read
 * (learner, attempt, standings), the grade policy, and every write in one statement.
 */
describe('database statements per practice page + answer (demo course, over HTTP)', () => {
  let tool: TestTool;
  let lms: TestLms;
  let toolUrl: string;
  const sent: string[] = [];
  beforeAll(async () => {
    tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false, onQuery: (e: LogEvent) => void sent.push(e.query.sql) });
    toolUrl = tool.config.BASE_URL;
    lms = await startTestLms({ toolUrl });
    await tool.services.registerPlatform(lms.registration());
  });
  afterAll(async () => {
    await lms?.close();
    await tool?.close();
  });

  const counted = () => sent.filter((s) => !/^(begin|commit|rollback)$/i.test(s.trim()));
  const courseReads = () => sent.filter((s) => /\bfrom "(objectives|items|content|objective_prerequisites)"/i.test(s));

  async function practise(b: TestBrowser) {
    const page = await b.get(`${toolUrl}/student/practice?go=1`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const form = parseForm(html, `${toolUrl}/student/practice`);
    if (!form?.fields.attemptId) throw new Error('expected an item');
    const pageStatements = counted().length;
    const cookie = Object.entries(b.cookies('localhost')).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${toolUrl}/student/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: toolUrl },
      body: new URLSearchParams({ ...form.fields, answer: 'not the answer' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    await res.text();
    return { pageStatements, answerStatements: counted().length - pageStatements };
  }

  it('reads no course content and stays within the budget once the course is compiled', async () => {
    const learner = lms.users.find((u) => u.roles.includes(`${LIS}Learner`)) as { id: string };
    const { browser: b } = await launchAs(lms, toolUrl, { userId: learner.id });
    await practise(b); // the first page compiles the course and creates the learner

    sent.length = 0;
    const { pageStatements, answerStatements } = await practise(b);
    if (process.env.SHOW_SQL) console.log(sent.join('\n'));
    expect(courseReads()).toEqual([]);
    expect(pageStatements).toBeLessThanOrEqual(1);
    // SQLite sends the writes one by one (in-process, no round trips).
    expect(answerStatements).toBeLessThanOrEqual(tool.db.dialect === 'postgres' ? 4 : 10);
  });
});
