/**
 * A course with no content, over HTTP from the LMS emulator with demo mode off: the instructor's first launch lands on
 * set-up, students see a friendly page (200, no error code), Deep Linking offers set-up, and each way of setting up
 * (sample unit, another course of the instructor's, last term's course sent by Canvas) fills the course.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCourse } from '../../src/services/exportCourse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { errorOf, startRig, type LaunchRig } from '../support/tool.js';

const MARIA = '3'; // the instructor
const DANIEL = '4'; // a TA: an instructor too
const AISHA = '5'; // a student

describe('course set-up (demo mode off)', () => {
  let rig: LaunchRig;
  let toolUrl: string;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    toolUrl = rig.toolUrl;
    expect(rig.tool.config.DEMO).toBe(false);
  });
  afterAll(async () => rig?.close());

  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const contextRow = async (ltiId: string) =>
    (await rig.tool.db.kysely.selectFrom('contexts').select('id').where('context_id', '=', ltiId).executeTakeFirstOrThrow()).id;
  const objectives = async (ltiId: string) =>
    Number(
      (
        await rig.tool.db.kysely
          .selectFrom('objectives')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('context_id', '=', await contextRow(ltiId))
          .where('active', '=', 1)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const launch = async (userId: string) => {
    const { response, browser } = await launchAs(rig.lms, toolUrl, { userId });
    return { response, browser, html: await response.text() };
  };
  const post = (b: TestBrowser, fields: Record<string, string>) => b.postForm(`${toolUrl}/instructor/setup`, fields, { origin: toolUrl });

  let maria: TestBrowser;
  let aisha: TestBrowser;
  /** The token of a set-up form opened before the course got content (the page has no form afterwards). */
  let staleCsrf = '';

  it("lands the instructor's first launch in a course without content on the set-up page", async () => {
    const first = await launch(MARIA);
    maria = first.browser;
    expect(first.response.status).toBe(200);
    expect(maria.urlOf(first.response)).toBe(`${toolUrl}/instructor/setup`);
    expect(first.html).toContain('data-testid="samples"');
    for (const id of ['fractions', 'statistics', 'forces-motion']) expect(first.html).toContain(`value="${id}"`);
    expect(first.html).toContain('href="/instructor/import"');
    expect(first.html).toContain('href="/instructor/author"');
    expect(first.html).toContain('data-testid="no-courses"');
    expect(first.html).not.toContain('data-testid="previous"');
    // The dashboard of a course without content leads there too, instead of a 404.
    const dash = await maria.get(`${toolUrl}/instructor`);
    expect(dash.status).toBe(303);
    expect(dash.headers.get('location')).toBe('/instructor/setup');
  });

  it('shows students a friendly "not set up yet" page, never an error code', async () => {
    const first = await launch(AISHA);
    aisha = first.browser;
    expect(first.response.status).toBe(200);
    for (const path of ['/student', '/student/practice']) {
      const res = await aisha.get(`${toolUrl}${path}`);
      const html = await res.text();
      expect(res.status, path).toBe(200);
      expect(html).toContain('data-testid="not-set-up"');
      expect(html).toContain('has not set up Masterly for this course yet');
      expect(errorOf(html).code).toBeUndefined();
      expect(html).not.toMatch(/ERR_/);
    }
    // And set-up itself is for instructors only.
    const get = await aisha.get(`${toolUrl}/instructor/setup`);
    expect(get.status).toBe(403);
    expect(errorOf(await get.text()).code).toBe('ERR_FORBIDDEN');
    const res = await post(aisha, { csrf: 'x', action: 'sample', sample: 'fractions' });
    expect(res.status).toBe(403);
    expect(await objectives(rig.lms.devplatform.courseId)).toBe(0);
  });

  it('refuses a set-up without the CSRF token, and shows a missing or unknown choice beside its field', async () => {
    const noToken = await post(maria, { action: 'sample', sample: 'fractions' });
    expect(noToken.status).toBe(403);
    expect(errorOf(await noToken.text()).code).toBe('ERR_CSRF_INVALID');
    const page = await (await maria.get(`${toolUrl}/instructor/setup`)).text();
    const csrf = csrfOf(page);
    staleCsrf = csrf;
    const none = await post(maria, { csrf, action: 'sample' });
    expect(none.status).toBe(422);
    const noneHtml = await none.text();
    expect(noneHtml).toContain('id="sample-error"');
    expect(noneHtml).toContain('aria-describedby="sample-error"');
    expect(noneHtml).toContain('Choose one of the sample units.');
    const unknown = await post(maria, { csrf, action: 'sample', sample: '../package' });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('id="sample-error"');
    const notMine = await post(maria, { csrf, action: 'copy', course: 'not-a-course' });
    expect(notMine.status).toBe(422);
    expect(await notMine.text()).toContain('data-testid="course-error"');
    expect(await objectives(rig.lms.devplatform.courseId)).toBe(0);
  });

  it('starts the course from a sample unit, confirms it, and then students practise', async () => {
    const csrf = csrfOf(await (await maria.get(`${toolUrl}/instructor/setup`)).text());
    const res = await post(maria, { csrf, action: 'sample', sample: 'statistics' });
    expect(res.status).toBe(303);
    const done = await maria.follow(res);
    const html = await done.text();
    expect(done.status).toBe(200);
    expect(html).toContain('data-testid="done"');
    expect(html).toMatch(/Its content is .*Introductory statistics.*: 6 objectives and 71 questions/);
    expect(await objectives(rig.lms.devplatform.courseId)).toBeGreaterThanOrEqual(5);
    expect((await maria.get(`${toolUrl}/instructor`)).status).toBe(200);
    const map = await aisha.get(`${toolUrl}/student`);
    expect(map.status).toBe(200);
    expect(await map.text()).not.toContain('data-testid="not-set-up"');
    const practice = await aisha.get(`${toolUrl}/student/practice?go=1`);
    expect(practice.status).toBe(200);
    expect(await practice.text()).toContain('name="itemId"');
  });

  it('leaves a course that got content meanwhile alone (409, nothing changed)', async () => {
    const before = await exportCourse({ courses: courseRepo(rig.tool.db.kysely) }, await contextRow(rig.lms.devplatform.courseId));
    const res = await post(maria, { csrf: staleCsrf, action: 'sample', sample: 'fractions' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('someone set it up meanwhile');
    expect(await exportCourse({ courses: courseRepo(rig.tool.db.kysely) }, await contextRow(rig.lms.devplatform.courseId))).toEqual(before);
  });

  it("copies the unit of another of the instructor's courses, and only of theirs", async () => {
    const source = rig.lms.devplatform.courseId;
    rig.lms.devplatform.setCourse({ id: 'course-b', title: 'Statistics, second section', label: 'STAT-B' });
    const first = await launch(MARIA);
    expect(first.browser.urlOf(first.response)).toBe(`${toolUrl}/instructor/setup`);
    const sourceRow = await contextRow(source);
    expect(first.html).toContain(`value="${sourceRow}"`);
    // Daniel never launched Masterly in the first course: he may not copy it.
    const daniel = await launch(DANIEL);
    expect(daniel.html).not.toContain(`value="${sourceRow}"`);
    const refused = await post(daniel.browser, { csrf: csrfOf(daniel.html), action: 'copy', course: sourceRow });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Choose one of the courses listed.');
    expect(await objectives('course-b')).toBe(0);

    const res = await post(first.browser, { csrf: csrfOf(first.html), action: 'copy', course: sourceRow });
    expect(res.status).toBe(303);
    expect(await (await first.browser.follow(res)).text()).toContain('data-testid="done"');
    const courses = { courses: courseRepo(rig.tool.db.kysely) };
    expect(await exportCourse(courses, await contextRow('course-b'))).toEqual(await exportCourse(courses, sourceRow));
  });

  it('offers Deep Linking with nothing to place the set-up instead of an import it cannot do', async () => {
    rig.lms.devplatform.setCourse({ id: 'course-c', title: 'Empty course', label: 'EMPTY' });
    const { response, browser } = await launchAs(rig.lms, toolUrl, { userId: MARIA, messageType: 'LtiDeepLinkingRequest' });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('href="/instructor/setup"');
    expect(html).not.toContain('Import the course content first');
    // Set up from the same dialog, then back to placing content.
    const setup = await browser.get(`${toolUrl}/instructor/setup`);
    const csrf = csrfOf(await setup.text());
    const done = await browser.follow(await post(browser, { csrf, action: 'sample', sample: 'forces-motion' }));
    expect(await done.text()).toContain('href="/deep-linking"');
    const picker = await (await browser.get(`${toolUrl}/deep-linking`)).text();
    expect(picker).toContain('data-testid="picker"');
  });
});

describe('term rollover (Canvas sends $Canvas.course.previousContextIds)', () => {
  let rig: LaunchRig;
  let toolUrl: string;
  beforeAll(async () => {
    rig = await startRig('canvas', { gradeWorker: false, bktFitting: false });
    toolUrl = rig.toolUrl;
  });
  afterAll(async () => rig?.close());
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it("offers last term's content first, to any instructor of the copied course", async () => {
    const lastTerm = rig.lms.devplatform.courseId;
    const first = await launchAs(rig.lms, toolUrl, { userId: MARIA });
    const csrf = csrfOf(await first.response.text());
    await first.browser.follow(await first.browser.postForm(`${toolUrl}/instructor/setup`, { csrf, action: 'sample', sample: 'fractions' }, { origin: toolUrl }));

    rig.lms.devplatform.setCourse({ id: 'spring-2027', title: 'Fractions 101 (Spring)', copiedFrom: [lastTerm, 'unknown-course'] });
    // Daniel taught nothing with Masterly last term: the LMS's word that this course is a copy is enough.
    const { response, browser } = await launchAs(rig.lms, toolUrl, { userId: DANIEL });
    const html = await response.text();
    expect(browser.urlOf(response)).toBe(`${toolUrl}/instructor/setup`);
    expect(html).toContain('data-testid="previous"');
    expect(html.indexOf('data-testid="previous"')).toBeLessThan(html.indexOf('data-testid="samples"'));
    const source = (await rig.tool.db.kysely.selectFrom('contexts').select('id').where('context_id', '=', lastTerm).executeTakeFirstOrThrow()).id;
    expect(html).toContain(`name="course" value="${source}"`);
    const res = await browser.postForm(`${toolUrl}/instructor/setup`, { csrf: csrfOf(html), action: 'copy', course: source }, { origin: toolUrl });
    expect(res.status).toBe(303);
    const target = (await rig.tool.db.kysely.selectFrom('contexts').select('id').where('context_id', '=', 'spring-2027').executeTakeFirstOrThrow()).id;
    const courses = { courses: courseRepo(rig.tool.db.kysely) };
    expect(await exportCourse(courses, target)).toEqual(await exportCourse(courses, source));
  });
});
