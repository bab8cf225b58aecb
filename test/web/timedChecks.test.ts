import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../src/services/importCourse.js';
import { recomputeMastery } from '../../src/services/recomputeMastery.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { aCourseFile } from '../factories.engine.js';
import { launchAs, parseForm, type TestBrowser } from '../support/devplatform.js';
import { startRig, testClock, type LaunchRig } from '../support/tool.js';
import { launchChromium, skipBrowserTests } from '../support/chromium.js';
import { axeViolations } from '../support/axe.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const MIN = 60_000;

/** Issue 13 item 5, ADR 0023: a timed check over HTTP, with the time multiplier, refused after its deadline. */
describe('timed mastery checks over HTTP (launched from the LMS emulator, injected clock)', () => {
  const clock = testClock();
  let rig: LaunchRig;
  let b: TestBrowser;
  let contextId: string;
  let learnerId: string;
  let objectiveA: string;
  beforeAll(async () => {
    rig = await startRig('generic', { clock, lmsNow: () => clock.now(), gradeWorker: false, bktFitting: false });
  });
  afterAll(async () => rig?.close());

  const engine = () => ({ courses: courseRepo(rig.tool.db.kysely), learners: learnerStore(rig.tool.db.kysely, rig.tool.db.dialect), clock });
  const page = async (path: string) => (await b.get(`${rig.toolUrl}${path}`)).text();
  async function rightAnswer(itemId: string): Promise<string[]> {
    const row = await rig.tool.db.kysely.selectFrom('items').select('payload').where('id', '=', itemId).executeTakeFirstOrThrow();
    const answer = (JSON.parse(row.payload) as { answer: unknown }).answer;
    if (Array.isArray(answer)) return answer.map(String);
    if (answer && typeof answer === 'object' && 'value' in answer) return [String((answer as { value: number }).value)];
    return [String((answer as { accepted: string[] }).accepted[0])];
  }
  /** The question form on the practice page (through the lesson or reteach page when one comes first). */
  async function question(): Promise<{ html: string; fields: Record<string, string> }> {
    const url = `${rig.toolUrl}/student/practice?objective=${objectiveA}`;
    let html = await page(`/student/practice?objective=${objectiveA}`);
    let form = parseForm(html, url);
    if (form?.action !== `${rig.toolUrl}/student/answer`) {
      const go = /href="(\/student\/practice\?[^"]*go=1)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      html = await page(go as string);
      form = parseForm(html, `${rig.toolUrl}${go}`);
    }
    expect(form?.action, html).toBe(`${rig.toolUrl}/student/answer`);
    return { html, fields: form!.fields };
  }
  async function answer(fields: Record<string, string>): Promise<Response> {
    const body = new URLSearchParams({ csrf: fields.csrf!, attemptId: fields.attemptId!, itemId: fields.itemId! });
    for (const a of await rightAnswer(fields.itemId!)) body.append('answer', a);
    return b.postForm(`${rig.toolUrl}/student/answer`, Object.fromEntries(body), { origin: rig.toolUrl });
  }
  const stateOfA = async () =>
    (await rig.tool.db.kysely.selectFrom('learner_objectives').select('state').where('user_id', '=', learnerId).where('objective_id', '=', objectiveA).executeTakeFirstOrThrow()).state;

  it('starts a check with the limit × the time multiplier, announces the time left, and refuses an answer after the deadline', async () => {
    const student = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name) as { id: string };
    b = (await launchAs(rig.lms, rig.toolUrl, { userId: student.id })).browser;
    contextId = (await rig.tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    learnerId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', student.id).executeTakeFirstOrThrow()).id;
    const file = aCourseFile();
    await importCourse(engine(), { contextId, file: { ...file, course: { title: 'Tiny course', description: 'For tests', checkTimeLimitMinutes: 10 } } });
    objectiveA = (await rig.tool.db.kysely.selectFrom('objectives').select('id').where('context_id', '=', contextId).where('key', '=', 'A').executeTakeFirstOrThrow()).id;
    await rig.tool.composition.instructor.setAccommodations({ contextId, userId: learnerId, accommodations: { thresholdOffset: '0', extraCycles: '1', extraOpportunities: '0', timeMultiplier: '1.5' } });

    // Practice is never timed; right answers until the check begins.
    let q = await question();
    for (let i = 0; i < 12 && !q.html.includes('check-timer'); i++) {
      expect(q.html).not.toContain('minutes for this check');
      expect((await answer(q.fields)).status).toBe(200);
      q = await question();
    }
    expect(await stateOfA()).toBe('checking');
    // 10 minutes × 1.5, said in words, with a polite live region the page script updates.
    expect(q.html).toContain('You have 15 minutes for this check.');
    expect(q.html).toMatch(/<span id="check-time-left" role="status" aria-live="polite" aria-atomic="true">15 minutes left\.<\/span>/);
    expect(q.html).toContain('data-minutes-many="{n} minutes left."');
    expect(q.html).not.toMatch(/<script(?![^>]*src=)/); // CSP: no inline script
    if (!skipBrowserTests()) {
      // The same page in Chromium (the student's session cookie): the script keeps the region, axe finds nothing serious.
      const chromium = await launchChromium();
      try {
        const context = await chromium.newContext();
        await context.addCookies(Object.entries(b.cookies('localhost')).map(([name, value]) => ({ name, value, url: rig.toolUrl })));
        const p = await context.newPage();
        const errors: string[] = [];
        p.on('pageerror', (e) => errors.push(e.message));
        await p.goto(`${rig.toolUrl}/student/practice?objective=${objectiveA}`);
        await p.locator('#check-time-left').waitFor();
        expect(await p.locator('#check-time-left').innerText()).toBe('15 minutes left.');
        expect((await axeViolations(p)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await chromium.close();
      }
    }

    // In time: counted.
    expect((await answer(q.fields)).status).toBe(200);
    clock.advance(14 * MIN);
    q = await question();
    expect(q.html).toContain('Less than 1 minute left. Answer now to have it counted.');

    // Past the deadline: refused with a kind message, and the check ends failed (reteach) in the log.
    clock.advance(2 * MIN);
    const late = await answer(q.fields);
    const html = await late.text();
    expect(late.status).toBe(409);
    expect(html).toContain('<h1>Time is up for this check</h1>');
    expect(html).toContain('Time ran out for this check, so this answer was not counted.');
    expect(html).toContain(`href="/student/practice?objective=${objectiveA}"`);
    expect(html).not.toContain('ERR_');
    expect(await stateOfA()).toBe('reteaching');
    const logged = await rig.tool.db.kysely.selectFrom('responses').select(['type', 'attempt_id']).where('attempt_id', '=', q.fields.attemptId!).execute();
    expect(logged.map((r) => r.type)).toEqual(['check_expired']);
    const why = await rig.tool.db.kysely.selectFrom('explanations').select(['kind', 'message']).where('user_id', '=', learnerId).where('objective_id', '=', objectiveA).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(why.kind).toBe('reteaching');
    expect(why.message).toContain('timed.timeRanOut');

    // The same late attempt again: refused again, nothing more recorded.
    const again = await answer(q.fields);
    expect(again.status).toBe(409);
    expect(await rig.tool.db.kysely.selectFrom('responses').select('id').where('attempt_id', '=', q.fields.attemptId!).execute()).toHaveLength(1);

    // The next page is the reteach lesson, untimed; a replay of the log decides the same.
    const next = await page(`/student/practice?objective=${objectiveA}`);
    expect(next).toContain('A again');
    expect(next).not.toContain('check-timer');
    await recomputeMastery(engine(), { contextId });
    expect(await stateOfA()).toBe('reteaching');
  });

  it('shows the instructor the accommodations in force in plain words, next to the objectives', async () => {
    const instructor = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`)) as { id: string };
    const ib = (await launchAs(rig.lms, rig.toolUrl, { userId: instructor.id })).browser;
    const html = await (await ib.get(`${rig.toolUrl}/instructor/students/${learnerId}`)).text();
    const box = /data-testid="accommodations-in-force">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
    expect(box).toContain('1 extra check allowed before the student is marked stuck.');
    expect(box).toContain('Time on timed checks × 1.5: 15 minutes instead of 10.');
    expect(box).toContain('Applies to every objective: Objective A, Objective B, Objective C.');
  });
});
