/**
 * The privacy pages over HTTP: an instructor exports (JSON, CSV) and erases a student of their course from the
 * student's page, with a confirmation naming what goes and what the LMS keeps; the course's audit log shows it;
 * administrators search, export and erase in every course and read the whole audit log (CSV too). CSRF, the
 * confirmation box and sign-in are enforced.
 */
import { defaultPolicy } from '../../src/domain/gradePolicy.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { systemClock } from '../../src/services/ports.js';
import { parseCsv } from '../../src/cli/csv.js';
import { aCourseFile, rightAnswerFor } from '../factories.engine.js';
import { axeViolations } from '../support/axe.js';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { browser, launchAs, type TestBrowser } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
/** CSV rows as objects keyed by the header. */
const rowsOf = (text: string): Record<string, string>[] => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header?.fields ?? []).map((h, i) => [h, r.fields[i] ?? ''])));
};

describe('privacy pages (instructor and administrator)', () => {
  let rig: LaunchRig;
  let teacher: TestBrowser;
  let learner: TestBrowser;
  let contextId: string;
  const ids = new Map<string, string>();
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    const db = rig.tool.db;
    const people = rig.lms.devplatform.users;
    for (const name of ['Chloé Dubois', 'Diego Fernández']) {
      const u = people.find((p) => p.name === name)!;
      const launched = await launchAs(rig.lms, rig.toolUrl, { userId: u.id });
      if (name === 'Chloé Dubois') learner = launched.browser;
      ids.set(name, (await db.kysely.selectFrom('users').select('id').where('sub', '=', u.id).executeTakeFirstOrThrow()).id);
    }
    teacher = (await launchAs(rig.lms, rig.toolUrl, { userId: people.find((u) => u.roles.includes(`${LIS}Instructor`))!.id })).browser;
    contextId = (await db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    const engine = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock: systemClock, afterMasteryChange: rig.tool.advantage.afterMasteryChange };
    await importCourse(engine, { contextId, file: aCourseFile() });
    // A column per objective (an instructor's opt-in; this link has no column of its own), so grades are sent.
    await rig.tool.advantage.lineItems.savePolicy({ ...defaultPolicy(contextId), perObjective: true, perActivity: false }, Date.now());
    const items = (await courseRepo(db.kysely).listItems(contextId)).filter((i) => i.key.startsWith('A-'));
    let n = 0;
    for (const userId of ids.values()) {
      await submitResponse(engine, { contextId, userId, itemId: items.find((i) => i.kind === 'short')!.id, attemptId: `pages-attempt-${++n}`, answer: `pelican-${n}` });
      for (const item of items.slice(0, 5)) await submitResponse(engine, { contextId, userId, itemId: item.id, attemptId: `pages-attempt-${++n}`, answer: rightAnswerFor(item.kind) });
    }
    await rig.tool.advantage.drainOnce({ batch: 500 });
  });
  afterAll(async () => rig?.close());

  it('an instructor exports a student of their course as JSON and CSV (audited); a learner cannot', async () => {
    const chloe = ids.get('Chloé Dubois')!;
    const student = await (await teacher.get(`${rig.toolUrl}/instructor/students/${chloe}`)).text();
    expect(student).toContain(`href="/instructor/students/${chloe}/privacy"`);
    const json = await teacher.get(`${rig.toolUrl}/instructor/students/${chloe}/export.json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="?masterly-student-[0-9a-f-]+\.json/);
    expect(json.headers.get('cache-control')).toBe('no-store');
    const doc = (await json.json()) as { format: string; person: { name: string; email: string }; courses: { responses: { answer: string }[]; mastery: unknown[]; gradesSent: unknown[] }[] };
    expect(doc.format).toBe('masterly-student-export/1');
    expect(doc.person).toMatchObject({ name: 'Chloé Dubois', email: 'chloe.dubois@students.fractions.example' });
    expect(doc.courses[0]!.responses.map((r) => r.answer)).toContain('pelican-1');
    expect(doc.courses[0]!.mastery.length).toBeGreaterThan(0);
    expect(doc.courses[0]!.gradesSent.length).toBeGreaterThan(0);
    const csv = rowsOf(await (await teacher.get(`${rig.toolUrl}/instructor/students/${chloe}/export.csv`)).text());
    expect(csv.find((r) => r.section === 'response' && r.answer === 'pelican-1')).toBeDefined();
    expect(csv.find((r) => r.section === 'profile' && r.detail === 'email')?.value).toBe('chloe.dubois@students.fractions.example');

    for (const path of [`/instructor/students/${chloe}/privacy`, `/instructor/students/${chloe}/export.json`, '/instructor/audit']) {
      const res = await learner.get(`${rig.toolUrl}${path}`);
      expect(res.status, path).toBe(403);
    }
    const audit = await (await teacher.get(`${rig.toolUrl}/instructor/audit`)).text();
    expect(audit).toMatch(/<td>Maria Okafor<\/td><td>[^<]*<\/td><td>Student data exported<\/td><td>Chloé Dubois<\/td><td>format=json/);
  });

  it('the erase page names what goes and what the LMS keeps; erasing needs CSRF and the confirmation', async () => {
    const chloe = ids.get('Chloé Dubois')!;
    const page = await (await teacher.get(`${rig.toolUrl}/instructor/students/${chloe}/privacy`)).text();
    expect(page).toContain('<h1>Data of Chloé Dubois</h1>');
    const items = /data-testid="erase-items">([\s\S]*?)<\/ul>/.exec(page)?.[1] ?? '';
    expect(items).toContain('<li>6 answers</li>');
    expect(items).toContain('their name, e-mail and LMS user id');
    expect(page).toMatch(/data-testid="lms-keeps"><strong>The LMS keeps \d+ grades? Masterly already sent/);
    const url = `${rig.toolUrl}/instructor/students/${chloe}/erase`;
    expect((await teacher.postForm(url, { csrf: 'forged', confirm: 'yes' }, { origin: rig.toolUrl })).status).toBe(403);
    const unconfirmed = await teacher.postForm(url, { csrf: csrfOf(page) }, { origin: rig.toolUrl });
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain('Nothing was erased: tick the box to confirm first.');
    expect(await rig.tool.db.kysely.selectFrom('users').select('id').where('id', '=', chloe).execute()).toHaveLength(1);

    const erased = await teacher.postForm(url, { csrf: csrfOf(page), confirm: 'yes' }, { origin: rig.toolUrl });
    expect(erased.status).toBe(303);
    const after = await (await teacher.follow(erased)).text();
    expect(after).toMatch(/role="status"[^>]*>The student’s data was erased \(receipt [0-9a-f-]{36}, also in the audit log\)\. The LMS keeps/);
    expect(after).toMatch(/<td>Maria Okafor<\/td><td>[^<]*<\/td><td>Student data erased<\/td><td><\/td><td>receipt=/);
    expect(after).toMatch(/<td>Student data exported<\/td><td>\(erased\)<\/td>/);
    expect(after).not.toContain('Chloé');
    expect(await rig.tool.db.kysely.selectFrom('users').select('id').where('id', '=', chloe).execute()).toEqual([]);
    expect(await rig.tool.db.kysely.selectFrom('responses').select('id').where('user_id', '=', chloe).execute()).toEqual([]);
    // Their page is gone; the others' are not.
    expect(errorOf(await (await teacher.get(`${rig.toolUrl}/instructor/students/${chloe}/privacy`)).text()).code).toBe('ERR_NOT_FOUND');
    expect((await teacher.get(`${rig.toolUrl}/instructor/students/${ids.get('Diego Fernández')}/privacy`)).status).toBe(200);
    const csv = rowsOf(await (await teacher.get(`${rig.toolUrl}/instructor/audit.csv`)).text());
    expect(csv.map((r) => r.action)).toEqual(expect.arrayContaining(['Student data erased', 'Student data exported']));
  });

  it('administrators: sign-in required; search, export and erase in every course; the whole audit log', async () => {
    const anonymous = browser();
    expect((await anonymous.get(`${rig.toolUrl}/admin/privacy`)).status).toBe(401);
    expect((await anonymous.get(`${rig.toolUrl}/admin/audit.csv`)).status).toBe(401);
    const admin = browser({ headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const found = await (await admin.get(`${rig.toolUrl}/admin/privacy?q=fern`)).text();
    const diego = ids.get('Diego Fernández')!;
    expect(found).toContain(`<a href="/admin/privacy/people/${diego}">Diego Fernández</a>`);
    expect(await (await admin.get(`${rig.toolUrl}/admin/privacy?q=nobody-like-this`)).text()).toContain('Nobody matches');
    const person = await (await admin.get(`${rig.toolUrl}/admin/privacy/people/${diego}`)).text();
    expect(person).toContain('Data of Diego Fernández');
    const doc = (await (await admin.get(`${rig.toolUrl}/admin/privacy/people/${diego}/export.json`)).json()) as { person: { name: string } };
    expect(doc.person.name).toBe('Diego Fernández');
    const refused = await admin.postForm(`${rig.toolUrl}/admin/privacy/people/${diego}/erase`, {});
    expect(refused.status).toBe(422);
    const res = await fetch(`${rig.toolUrl}/admin/privacy/people/${diego}/erase`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ confirm: 'yes' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ profileRemoved: true, counts: expect.objectContaining({ responses: 6 }) });
    const audit = await (await admin.get(`${rig.toolUrl}/admin/audit`)).text();
    expect(audit).toMatch(/<td>Administrator<\/td><td>[^<]*<\/td><td>Student data erased<\/td>/);
    expect(audit).toMatch(/<td>Administrator<\/td><td><\/td><td>Platform registered<\/td><td><\/td><td>platformId=/);
    expect(audit).not.toContain('Diego');
  });
});

describe.skipIf(skipBrowserTests())('privacy pages are accessible (Chromium + axe)', () => {
  let rig: LaunchRig;
  let chromium: Browser;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await rig?.close();
  });

  it('the instructor’s erase page, the audit log and the admin search have no axe violations', async () => {
    const learner = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    await launchAs(rig.lms, rig.toolUrl, { userId: learner.id });
    const userId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', learner.id).executeTakeFirstOrThrow()).id;
    const instructor = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    const page = await chromium.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${instructor.name}` }).click();
    for (let i = 0; i < 100 && !page.frames().some((f) => f.url().startsWith(`${rig.toolUrl}/instructor`)); i++) await page.waitForTimeout(100);
    await page.goto(`${rig.toolUrl}/instructor/students/${userId}/privacy`);
    await page.locator('h2#erase-h').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${rig.toolUrl}/instructor/audit`);
    expect(await axeViolations(page)).toEqual([]);
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${ADMIN_TOKEN}` });
    await page.goto(`${rig.toolUrl}/admin/privacy?q=${encodeURIComponent(learner.name.slice(0, 4))}`);
    await page.locator('[data-testid="people"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${rig.toolUrl}/admin/audit`);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
