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

    // Over HTTP: the row says so, with no link (there is no student page before a first launch).
    const html = await (await rig.browsers.get(rig.instructorSub)!.get(`${rig.toolUrl}/instructor`)).text();
    const row = new RegExp(`<th scope="row">${leaving.name}<br><span class="muted" data-testid="row-status">Not started; Inactive in the LMS</span></th>`);
    expect(html).toMatch(row);
    expect(html).toMatch(new RegExp(`<th scope="row">${neverLaunched[1]!.name}<br><span class="muted" data-testid="row-status">Not started</span></th>`));
  });
});
