import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariseRoles } from '../../src/lti/roles.js';
import { importCourse } from '../../src/services/importCourse.js';
import { buildInstructorServices } from '../../src/services/instructorServices.js';
import { systemClock } from '../../src/services/ports.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { instructorStore } from '../../src/store/instructorRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { LEARNER, startPassbackRig, type PassbackRig } from '../e2e/passbackSupport.js';
import { aCourseFile } from '../factories.engine.js';
import { launchAs } from '../support/devplatform.js';
import { translator } from '../../src/i18n/index.js';

/**
 * The dashboard lists the whole class from the NRPS roster (synced from the emulator over HTTP): learners who never
 * opened Masterly are "not started" rows, members the LMS no longer lists as active are marked, and teaching staff
 * on the roster are not rows.
 */
describe('instructor dashboard with the NRPS roster', () => {
  let rig: PassbackRig;
  beforeAll(async () => {
    rig = await startPassbackRig('generic', { students: 1 });
    await importCourse({ courses: courseRepo(rig.tool.db.kysely), clock: systemClock }, { contextId: rig.contextId, file: aCourseFile() });
  });
  afterAll(async () => rig?.close());
  const instructor = () =>
    buildInstructorServices({
      courses: courseRepo(rig.tool.db.kysely),
      learners: learnerStore(rig.tool.db.kysely, rig.tool.db.dialect),
      instructor: instructorStore(rig.tool.db.kysely),
      clock: systemClock,
      ids: { newId: () => crypto.randomUUID() },
      classifyRoles: summariseRoles,
    });

  it('shows roster learners who never launched as "not started" and marks inactive members', async () => {
    await rig.adv.syncRoster({ contextId: rig.contextId, full: true });
    const roster = await rig.adv.roster.list(rig.contextId, '');
    const launched = rig.students[0]!;
    const neverLaunched = rig.lms.devplatform.users.filter((u) => u.roles.includes(LEARNER) && u.id !== launched && u.name);
    expect(neverLaunched.length).toBeGreaterThan(1);
    const leaving = neverLaunched[0]!;
    await rig.lms.devplatform.setMemberStatus(leaving.id, 'Inactive');
    expect((await rig.adv.syncRoster({ contextId: rig.contextId })).mode).toBe('differences');

    const d = await instructor().getInstructorDashboard({ contextId: rig.contextId });
    const launchedRow = d.students.find((s) => s.userId === rig.userIds.get(launched));
    expect(launchedRow).toMatchObject({ started: true, rosterStatus: 'active' });
    for (const u of neverLaunched) {
      const row = d.students.find((s) => s.name === u.name);
      expect(row, u.name).toMatchObject({ started: false, userId: null, lastActivityAt: null, mastered: 0 });
      expect(row!.cells.map((c) => c.state)).toEqual(['available', 'locked', 'locked']);
    }
    expect(d.students.find((s) => s.name === leaving.name)?.rosterStatus).toBe('inactive');
    // Staff on the roster are not students; everyone else on it is a row, once.
    const learnersOnRoster = roster.filter((m) => summariseRoles(m.roles).isLearner);
    expect(d.students).toHaveLength(learnersOnRoster.length);
    expect(d.students.some((s) => s.userId === rig.userIds.get(rig.instructorSub))).toBe(false);
    // Not-started rows count as not started, and are not flagged as falling behind.
    expect(d.objectives[0]!.counts.notStarted).toBeGreaterThanOrEqual(neverLaunched.length);
    expect(d.attention.some((a) => neverLaunched.some((u) => u.name === a.name))).toBe(false);

    // Over HTTP: the row says so, and links to the roster page (there is no student page before a first launch).
    const html = await dashboardHtml();
    const row = (u: { id: string; name: string }) =>
      `<th scope="row"><a href="/instructor/roster/${encodeURIComponent(u.id)}">${u.name}</a><br><span class="muted" data-testid="row-status">`;
    expect(html).toContain(`${row(leaving)}Not started; Inactive in the LMS</span></th>`);
    expect(html).toContain(`${row(neverLaunched[1]!)}Not started</span></th>`);
  });

  const t = translator('en');
  const instructorGet = (path: string) => rig.browsers.get(rig.instructorSub)!.get(`${rig.toolUrl}${path}`);
  const dashboardHtml = async () => (await instructorGet('/instructor')).text();
  /** The row headers of the grid: each student's link (or null) and name. */
  const gridRows = (html: string) => {
    const from = html.indexOf('data-testid="grid"');
    const grid = html.slice(from, html.indexOf('</table>', from));
    const unescape = (x: string) => x.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    return [...grid.matchAll(/<th scope="row">(?:<a href="([^"]+)">)?([^<]+)/g)].map((m) => ({ href: m[1] ?? null, name: unescape(m[2]!) }));
  };
  const neverLaunchedLearners = () => rig.lms.devplatform.users.filter((u) => u.roles.includes(LEARNER) && u.name && !rig.userIds.has(u.id));

  it('links every row of the grid: started students to their page, the others to their roster page', async () => {
    await rig.adv.syncRoster({ contextId: rig.contextId, full: true });
    const d = await instructor().getInstructorDashboard({ contextId: rig.contextId });
    const rows = gridRows(await dashboardHtml());
    expect(rows).toHaveLength(d.students.length);
    expect(rows.filter((r) => r.href === null)).toEqual([]);
    for (const s of d.students) {
      const r = rows.find((x) => x.name === s.name);
      if (s.started) expect(r?.href, s.name).toBe(`/instructor/students/${s.userId}`);
      else expect(r?.href, s.name).toBe(`/instructor/roster/${encodeURIComponent(s.rosterSub!)}`);
    }
    expect(d.students.filter((s) => !s.started).length).toBeGreaterThan(1);
  });

  it("shows a roster learner's page: name, LMS status, not opened yet, and what to do", async () => {
    await rig.adv.syncRoster({ contextId: rig.contextId, full: true });
    const [active, leaving] = neverLaunchedLearners().filter((u) => u.status === 'Active');
    await rig.lms.devplatform.setMemberStatus(leaving!.id, 'Inactive');
    await rig.adv.syncRoster({ contextId: rig.contextId });

    const res = await instructorGet(`/instructor/roster/${encodeURIComponent(active!.id)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain(`<h1>${active!.name}</h1>`);
    expect(html).toContain('data-testid="instructor-nav"');
    expect(html).toMatch(/<p data-testid="roster-status">Active in this course\.<\/p>/);
    expect(html).toContain(t('rosterMember.notOpened'));
    // The link the instructor came in by (the emulator's default placement) is the one to tell students about.
    expect(html).toContain(`Ask ${active!.name} to open “Masterly” on the course page in the LMS`);
    expect(html).not.toContain(t('rosterMember.checkEnrolment'));
    // Nothing a student who never launched cannot have: no e-mail, no answers.
    const email = rig.lms.devplatform.users.find((u) => u.id === active!.id)?.email;
    if (email) expect(html).not.toContain(email);

    const inactive = await (await instructorGet(`/instructor/roster/${encodeURIComponent(leaving!.id)}`)).text();
    expect(inactive).toContain(`<strong>${t('rosterMember.inactive')}</strong>`);
    expect(inactive).toContain(t('rosterMember.checkEnrolment'));

    // In Spanish for an instructor who reads Spanish.
    rig.lms.devplatform.setMemberLocale(rig.instructorSub, 'es');
    const { browser: es } = await launchAs(rig.lms, rig.toolUrl, { userId: rig.instructorSub });
    rig.lms.devplatform.setMemberLocale(rig.instructorSub, 'en');
    const spanish = await (await es.get(`${rig.toolUrl}/instructor/roster/${encodeURIComponent(active!.id)}`)).text();
    expect(spanish).toContain('<html lang="es">');
    expect(spanish).toContain(translator('es')('rosterMember.notOpened'));
  });

  it('refuses people who are not learners on this roster with the not-found page', async () => {
    await rig.adv.syncRoster({ contextId: rig.contextId, full: true });
    const staff = rig.lms.devplatform.users.find((u) => !u.roles.includes(LEARNER) && u.id !== rig.instructorSub);
    for (const sub of ['nobody-on-this-roster', ...(staff ? [staff.id] : [])]) {
      const res = await instructorGet(`/instructor/roster/${encodeURIComponent(sub)}`);
      expect(res.status, sub).toBe(404);
      expect(await res.text()).toContain(t('errors.notFound'));
    }
    // Learners may not open it.
    const learner = await rig.browsers.get(rig.students[0]!)!.get(`${rig.toolUrl}/instructor/roster/${encodeURIComponent(neverLaunchedLearners()[0]!.id)}`);
    expect(learner.status).toBe(403);
  });

  it('links the normal student page once the learner opens Masterly, and sends the old link there', async () => {
    await rig.adv.syncRoster({ contextId: rig.contextId, full: true });
    const late = neverLaunchedLearners().find((u) => u.status === 'Active')!;
    const rosterLink = `/instructor/roster/${encodeURIComponent(late.id)}`;
    expect(gridRows(await dashboardHtml()).find((r) => r.name === late.name)?.href).toBe(rosterLink);

    const { response } = await launchAs(rig.lms, rig.toolUrl, { userId: late.id });
    expect(response.status).toBe(200);
    const user = await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', late.id).executeTakeFirstOrThrow();
    rig.userIds.set(late.id, user.id);
    const studentLink = `/instructor/students/${user.id}`;
    expect(gridRows(await dashboardHtml()).filter((r) => r.name === late.name).map((r) => r.href)).toEqual([studentLink]);
    const old = await instructorGet(rosterLink);
    expect(old.status).toBe(303);
    expect(old.headers.get('location')).toBe(studentLink);
    expect((await instructorGet(studentLink)).status).toBe(200);
  });

  it("refuses another course's roster members with the not-found page", async () => {
    const first = rig.lms.devplatform.courseId;
    rig.lms.devplatform.setCourse({ id: 'roster-course-b', title: 'Fractions, second section' });
    const { browser: b } = await launchAs(rig.lms, rig.toolUrl, { userId: rig.instructorSub });
    const other = await rig.tool.db.kysely.selectFrom('contexts').select('id').where('context_id', '=', 'roster-course-b').executeTakeFirstOrThrow();
    await importCourse({ courses: courseRepo(rig.tool.db.kysely), clock: systemClock }, { contextId: other.id, file: aCourseFile() });
    // The instructor's launch read course B's roster in the background; wait until it has, so it is settled.
    for (let i = 0; i < 300 && !(await rig.adv.roster.state(other.id, '')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await rig.adv.roster.state(other.id, '')).toBeDefined();
    // A learner who joins now is on the first course's roster (read again) but not on course B's.
    const [joined] = await rig.lms.devplatform.seedMembers(1);
    rig.lms.devplatform.setCourse({ id: first });
    await rig.adv.syncRoster({ contextId: rig.contextId, full: true });
    const path = `/instructor/roster/${encodeURIComponent(joined!.id)}`;
    expect((await instructorGet(path)).status).toBe(200);
    expect((await b.get(`${rig.toolUrl}/instructor`)).status).toBe(200);
    const res = await b.get(`${rig.toolUrl}${path}`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain(t('errors.notFound'));
    expect(html).not.toContain(joined!.name);
  });
});