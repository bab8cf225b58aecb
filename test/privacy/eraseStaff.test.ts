/**
 * An instructor erases the students of their course, never its staff: a teaching assistant (or another instructor)
 * is refused on the erase page and on the erase form, with ERR_FORBIDDEN and a message that says who can do it; an
 * administrator still erases them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership';
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('per-course erasure by an instructor is for students only', () => {
  let rig: LaunchRig;
  let teacher: TestBrowser;
  const ids = new Map<'student' | 'ta', string>();
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    const people = rig.lms.devplatform.users;
    const idOf = async (sub: string) => (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', sub).executeTakeFirstOrThrow()).id;
    const ta = people.find((u) => u.roles.includes(`${LIS}/Instructor#TeachingAssistant`))!;
    const student = people.find((u) => u.roles.includes(`${LIS}#Learner`) && u.name)!;
    for (const u of [ta, student]) await launchAs(rig.lms, rig.toolUrl, { userId: u.id });
    ids.set('ta', await idOf(ta.id));
    ids.set('student', await idOf(student.id));
    teacher = (await launchAs(rig.lms, rig.toolUrl, { userId: people.find((u) => u.roles.includes(`${LIS}#Instructor`))!.id })).browser;
  });
  afterAll(async () => rig?.close());

  it('refuses a teaching assistant with ERR_FORBIDDEN and erases nothing; a student of the course still can be', async () => {
    const ta = ids.get('ta')!;
    const page = await teacher.get(`${rig.toolUrl}/instructor/students/${ta}/privacy`);
    const html = await page.text();
    expect({ status: page.status, code: errorOf(html).code }).toEqual({ status: 403, code: 'ERR_FORBIDDEN' });
    expect(html).toContain(en.outage.eraseStaff);
    // The form posted anyway (with a valid CSRF token from a student's page) is refused the same way.
    const studentPage = await (await teacher.get(`${rig.toolUrl}/instructor/students/${ids.get('student')}/privacy`)).text();
    const refused = await teacher.postForm(`${rig.toolUrl}/instructor/students/${ta}/erase`, { csrf: csrfOf(studentPage), confirm: 'yes' }, { origin: rig.toolUrl });
    expect({ status: refused.status, code: errorOf(await refused.text()).code }).toEqual({ status: 403, code: 'ERR_FORBIDDEN' });
    expect(await rig.tool.db.kysely.selectFrom('enrollments').select('user_id').where('user_id', '=', ta).execute()).toHaveLength(1);

    const erased = await teacher.postForm(`${rig.toolUrl}/instructor/students/${ids.get('student')}/erase`, { csrf: csrfOf(studentPage), confirm: 'yes' }, { origin: rig.toolUrl });
    expect(erased.status).toBe(303);
  });

  it('an administrator erases the teaching assistant', async () => {
    const ta = ids.get('ta')!;
    const res = await fetch(`${rig.toolUrl}/admin/privacy/people/${ta}/erase`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ confirm: 'yes' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ profileRemoved: true });
    expect(await rig.tool.db.kysely.selectFrom('users').select('id').where('id', '=', ta).execute()).toEqual([]);
  });
});
