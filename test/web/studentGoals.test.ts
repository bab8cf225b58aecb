/**
 * Goals, confidence before a check, badges and history over HTTP (ADR 0024), launched from the LMS emulator into the
 * demo course: the goal form checks CSRF and refuses a past day with the message beside the field (and focus there);
 * a locked objective says what to master first; the first check question asks once how sure the student is, and the
 * result shows it in a plain sentence; the badge shows on the map and the history page tells what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, parseForm, startTestLms, type TestBrowser, type TestLms } from '../support/devplatform.js';
import { startTestTool, type TestTool } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const DAY = 86_400_000;
const dayFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

describe('goals, confidence, badges and history (HTTP, demo course)', () => {
  let tool: TestTool;
  let lms: TestLms;
  let toolUrl: string;
  let b: TestBrowser;
  beforeAll(async () => {
    tool = await startTestTool({ env: { DEMO: 'true' }, gradeWorker: false });
    toolUrl = tool.config.BASE_URL;
    lms = await startTestLms({ toolUrl });
    await tool.services.registerPlatform(lms.registration());
    const learner = lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name) as { id: string };
    b = (await launchAs(lms, toolUrl, { userId: learner.id })).browser;
  });
  afterAll(async () => {
    await lms?.close();
    await tool?.close();
  });

  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const options = (html: string) => [...html.matchAll(/<option value="([^"]+)"[^>]*>([^<]+)<\/option>/g)].map((m) => ({ id: m[1]!, label: m[2]! }));
  async function rightAnswer(itemId: string): Promise<string | string[]> {
    const row = await tool.db.kysely.selectFrom('items').select(['payload']).where('id', '=', itemId).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    if (Array.isArray(answer)) return answer.map(String);
    if (answer && typeof answer === 'object' && 'value' in answer) return String((answer as { value: number }).value);
    const fraction = answer as { numerator?: number; denominator?: number };
    if (fraction && typeof fraction.numerator === 'number') return `${fraction.numerator}/${fraction.denominator}`;
    return String((answer as { accepted: string[] }).accepted[0]);
  }
  const post = async (url: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const cookie = Object.entries(b.cookies('localhost')).map(([k, v]) => `${k}=${v}`).join('; ');
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: toolUrl }, body, redirect: 'manual' });
  };

  it('sets a goal with CSRF, refuses a past day beside the field, says what to master first, and removes it', async () => {
    const map = await (await b.get(`${toolUrl}/student`)).text();
    expect(map).toContain('My goal');
    expect(map).toContain('You have no goal yet');
    expect(map).toMatch(/<input id="f-targetDate" name="targetDate" type="date"/);
    const choices = options(map);
    const first = choices[0]!;
    const locked = choices.find((c) => c.label.includes('(not open yet)'))!;
    expect(locked).toBeTruthy();

    const forged = await post(`${toolUrl}/student/goal`, { csrf: 'forged', objectiveId: first.id, targetDate: dayFromNow(5) });
    expect(forged.status).toBe(403);
    expect(await tool.db.kysely.selectFrom('student_goals').selectAll().execute()).toEqual([]);

    const past = await post(`${toolUrl}/student/goal`, { csrf: csrfOf(map), objectiveId: first.id, targetDate: dayFromNow(-3) });
    expect(past.status).toBe(422);
    const pastHtml = await past.text();
    expect(pastHtml).toContain('<span id="f-targetDate-error" class="error-text">This day has already passed. Choose today or a day after today.</span>');
    expect(pastHtml).toMatch(/<input id="f-targetDate"[^>]*aria-describedby="f-targetDate-hint f-targetDate-error"[^>]*aria-invalid="true" autofocus>/);
    expect(pastHtml).toContain(`value="${dayFromNow(-3)}"`);
    const empty = await (await post(`${toolUrl}/student/goal`, { csrf: csrfOf(map), objectiveId: 'nope', targetDate: '' })).text();
    expect(empty).toContain('Choose something from the list to master.');
    expect(empty).toContain('Choose the day you want to reach your goal by.');
    expect(empty).toMatch(/<select id="f-objectiveId"[^>]*aria-invalid="true"[^>]*autofocus>/);

    const lockedRes = await post(`${toolUrl}/student/goal`, { csrf: csrfOf(map), objectiveId: locked.id, targetDate: dayFromNow(10) });
    expect(lockedRes.status).toBe(200);
    const lockedHtml = await lockedRes.text();
    expect(lockedHtml).toContain('Your goal is saved.');
    expect(lockedHtml).toMatch(/First master [^<]+\. Then [^<]+ opens\./);
    expect(lockedHtml).toMatch(/(10|11) days left\./);

    const removed = await (await post(`${toolUrl}/student/goal/remove`, { csrf: csrfOf(map) })).text();
    expect(removed).toContain('Your goal is removed.');
    expect(removed).toContain('You have no goal yet');

    const set = await (await post(`${toolUrl}/student/goal`, { csrf: csrfOf(map), objectiveId: first.id, targetDate: dayFromNow(3) })).text();
    expect(set).toContain(`Master ${first.label} by `);
    expect(set).toMatch(/You are on your way|to get going/);
  });

  it('asks once how sure the student is with the first check question, and shows it beside the result', async () => {
    let asked = 0;
    let feedback = '';
    const objective = options(await (await b.get(`${toolUrl}/student`)).text())[0]!.id;
    const url = `${toolUrl}/student/practice?objective=${encodeURIComponent(objective)}&go=1`;
    for (let i = 0; i < 40; i++) {
      const page = await (await b.get(url)).text();
      const form = parseForm(page, url);
      if (!form || form.action !== `${toolUrl}/student/answer`) break;
      const ask = page.includes('How sure are you that you know this?');
      if (ask) {
        asked += 1;
        expect(page).toMatch(/<fieldset class="confidence" aria-describedby="confidence-hint">\s*<legend>How sure are you that you know this\?<\/legend>/);
        expect(page).toMatch(/<input type="radio" name="confidence" id="confidence-not_sure" value="not_sure">/);
        // A reload asks again until they answer (nothing is stored yet).
        expect(await (await b.get(url)).text()).toContain('How sure are you');
      }
      const fields = form.fields as Record<string, string>;
      const res = await post(`${toolUrl}/student/answer`, { csrf: fields.csrf!, attemptId: fields.attemptId!, itemId: fields.itemId!, answer: await rightAnswer(fields.itemId!), ...(ask ? { confidence: 'not_sure' } : {}) });
      feedback = await res.text();
      if (feedback.includes('How sure you were')) break;
    }
    expect(asked).toBe(1);
    expect(feedback).toMatch(/<strong>How sure you were:<\/strong> You weren’t sure, but you got (\d) of \1 right: you know more than you thought\./);
    expect(await tool.db.kysely.selectFrom('check_confidence').select('confidence').execute()).toEqual([{ confidence: 'not_sure' }]);
  });

  it('shows the badge and the reached goal on the map, and the history page in plain words', async () => {
    const map = await (await b.get(`${toolUrl}/student`)).text();
    expect(map).toMatch(/Goal reached! You mastered [^<]+\. Well done!/);
    expect(map).toMatch(/<ul class="badges" data-testid="badges">\s*<li class="earned-badge badge-tone-0">\s*<svg class="badge-art"[^>]*aria-hidden="true"/);
    expect(map).toMatch(/<strong>Badge for [^<]+<\/strong>/);
    const res = await b.get(`${toolUrl}/student/history`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>My badges and what I did</h1>');
    expect(html).toMatch(/Practised [^<]+: \d+ questions?, \d+ right/);
    expect(html).toMatch(/Passed the check for [^<]+: (\d) of \1 right/);
    expect(html).toMatch(/Earned a badge for /);
    const older = /href="(\/student\/history\?page=2)"/.exec(html)?.[1];
    const all = older ? html + (await (await b.get(`${toolUrl}${older}`)).text()) : html;
    expect(all).toMatch(/Set a goal: master [^<]+ by /);
    expect(html).not.toMatch(/mastered_|check_passed|practising|P\(mastery\)|\d+ ?%/);
    expect((await b.get(`${toolUrl}/student/history?page=zero`)).status).toBe(422);
  });
});
