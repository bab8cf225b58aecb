import type { LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, parseForm, startTestLms, type TestBrowser, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/**
 * The budget of what students do all day (see `npm run bench -- answers`): a practice page and an answer take the
 * compiled course and the session from memory; the learner's one read also reads the course's version and whether the
 * kept session is still stored (not erased by another process). The grade hook's statements count too: on PostgreSQL
 * an answer is the learner's lock (with the item's statistics), one read (learner, session, attempt, standings, grade
 * policy) and every write in one statement.
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

  async function rightAnswer(itemId: string): Promise<string[]> {
    const row = await tool.db.kysely.selectFrom('items').select('payload').where('id', '=', itemId).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    if (Array.isArray(answer)) return answer.map(String);
    if (answer && typeof answer === 'object' && 'value' in answer) return [String((answer as { value: number }).value)];
    return [String((answer as { accepted: string[] }).accepted[0])];
  }

  async function practise(b: TestBrowser, right = false) {
    sent.length = 0;
    const page = await b.get(`${toolUrl}/student/practice?go=1`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const form = parseForm(html, `${toolUrl}/student/practice`);
    if (!form?.fields.attemptId) throw new Error('expected an item');
    const pageStatements = counted().length;
    const body = new URLSearchParams(form.fields);
    for (const a of right ? await rightAnswer(form.fields.itemId as string) : ['not the answer']) body.append('answer', a);
    const cookie = Object.entries(b.cookies('localhost')).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${toolUrl}/student/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: toolUrl },
      body,
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    await res.text();
    return { pageStatements, answerStatements: counted().length - pageStatements, html };
  }

  it('reads no course content and stays within the budget once the course is compiled', async () => {
    const learner = lms.users.find((u) => u.roles.includes(`${LIS}Learner`)) as { id: string };
    const { browser: b } = await launchAs(lms, toolUrl, { userId: learner.id });
    await practise(b); // the first page compiles the course and creates the learner

    const { pageStatements, answerStatements } = await practise(b);
    if (process.env.SHOW_SQL) console.log(sent.join('\n'));
    expect(courseReads()).toEqual([]);
    expect(pageStatements).toBeLessThanOrEqual(1);
    // SQLite sends the writes one by one (in-process, no round trips).
    expect(answerStatements).toBeLessThanOrEqual(tool.db.dialect === 'postgres' ? 3 : 9);
  });

  it('shows the reason of a mastery check with the learner\'s one read', async () => {
    const learner = lms.users.filter((u) => u.roles.includes(`${LIS}Learner`))[1] as { id: string };
    const { browser: b } = await launchAs(lms, toolUrl, { userId: learner.id });
    // Right answers until the page is an item of a mastery check (its reason is the newest explanation).
    for (let i = 0; i < 15; i++) {
      const { pageStatements, html } = await practise(b, true);
      // A check's first question also asks how sure the student is unless they said so (ADR 0024), read with the learner.
      if (i > 0) expect(pageStatements).toBeLessThanOrEqual(1);
      if (/question \d+ of \d+/i.test(html)) {
        expect(html).toContain('How sure are you that you know this?');
        return;
      }
    }
    throw new Error('no mastery check after 15 right answers');
  });
});
