/**
 * The one web layout, over HTTP against the emulator: every cookie-authenticated form refuses a forged or missing
 * CSRF token with ERR_CSRF_INVALID (one helper), and every instructor page has its styles in <head> and the one
 * instructor navigation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, launchAs, type TestBrowser } from '../support/devplatform.js';
import { ADMIN_TOKEN, errorOf, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('one web layout', () => {
  let rig: LaunchRig;
  let student: TestBrowser;
  let instructor: TestBrowser;
  let deepLinker: TestBrowser;
  let admin: TestBrowser;
  let learnerId: string;
  let platformId: string;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false, env: { DEMO: 'true' } } as never);
    const studentUser = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    const instructorUser = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    student = (await launchAs(rig.lms, rig.toolUrl, { userId: studentUser.id })).browser;
    instructor = (await launchAs(rig.lms, rig.toolUrl, { userId: instructorUser.id })).browser;
    deepLinker = (await launchAs(rig.lms, rig.toolUrl, { userId: instructorUser.id, messageType: 'LtiDeepLinkingRequest' })).browser;
    admin = browser();
    expect((await admin.postForm(`${rig.toolUrl}/admin/signin`, { token: ADMIN_TOKEN })).status).toBe(303);
    learnerId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', studentUser.id).executeTakeFirstOrThrow()).id;
    platformId = (await rig.tool.services.listPlatforms())[0]!.id;
  });
  afterAll(async () => rig?.close());

  const instructorPages = () => ['/instructor', `/instructor/students/${encodeURIComponent(learnerId)}`, '/instructor/grades', '/instructor/evidence'];

  it('links instructor.css in <head> on every instructor page (so .notice is styled everywhere)', async () => {
    for (const path of instructorPages()) {
      const res = await instructor.get(`${rig.toolUrl}${path}`);
      expect(res.status, path).toBe(200);
      const [head = '', body = ''] = (await res.text()).split('</head>');
      expect(head, path).toContain('<link rel="stylesheet" href="/static/instructor.css">');
      expect(body, path).not.toContain('<link');
    }
  });

  it('shows the one instructor navigation on every instructor page, the current page marked', async () => {
    for (const path of instructorPages()) {
      const html = await (await instructor.get(`${rig.toolUrl}${path}`)).text();
      expect(html.match(/<nav aria-label="Instructor">/g), path).toHaveLength(1);
      const nav = /<nav aria-label="Instructor">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
      for (const href of ['/instructor', '/instructor/grades', '/instructor/evidence', '/student']) expect(nav, path).toContain(`href="${href}"`);
      if (!path.startsWith('/instructor/students/')) expect(nav, path).toContain(`href="${path}" aria-current="page"`);
    }
  });

  it('refuses every cookie-authenticated POST form with a forged or missing token with ERR_CSRF_INVALID', async () => {
    const forms: [TestBrowser, string, Record<string, string>][] = [
      [student, '/student/answer', { attemptId: 'attempt-forged-1', itemId: 'item', answer: '1' }],
      [instructor, `/instructor/students/${encodeURIComponent(learnerId)}/accommodations`, { extraCycles: '1' }],
      [instructor, `/instructor/students/${encodeURIComponent(learnerId)}/unlock`, { objectiveId: 'x' }],
      [instructor, `/instructor/students/${encodeURIComponent(learnerId)}/reset`, { objectiveId: 'x' }],
      [instructor, '/instructor/grades/resend', { id: '1' }],
      [instructor, '/instructor/grades/resend-failed', {}],
      [instructor, '/instructor/grades/policy', { policy: 'p_mastery', scoreMaximum: '10' }],
      [instructor, '/instructor/evidence/map', { lineItemUrl: 'https://lms.example/li/1', objectiveId: 'x', passMark: '80' }],
      [instructor, '/instructor/evidence/unmap', { lineItemUrl: 'https://lms.example/li/1' }],
      [instructor, '/instructor/evidence/import', {}],
      [deepLinker, '/deep-linking', { action: 'cancel' }],
      [admin, '/admin/platforms', { issuer: 'https://forged.example', clientId: 'c', authUrl: 'https://forged.example/a', tokenUrl: 'https://forged.example/t', jwksUrl: 'https://forged.example/j' }],
      [admin, `/admin/platforms/${platformId}/deployments`, { deploymentId: 'forged' }],
      [admin, `/admin/platforms/${platformId}/delete`, {}],
      [admin, '/admin/signout', {}],
    ];
    for (const [b, path, fields] of forms) {
      for (const csrf of ['forged-token', undefined]) {
        const res = await b.postForm(`${rig.toolUrl}${path}`, csrf === undefined ? fields : { ...fields, csrf }, { origin: rig.toolUrl });
        expect(res.status, `${path} csrf=${csrf}`).toBe(403);
        expect(errorOf(await res.text()).code, `${path} csrf=${csrf}`).toBe('ERR_CSRF_INVALID');
      }
    }
    expect((await rig.tool.services.listPlatforms()).map((p) => p.issuer)).not.toContain('https://forged.example');
  });
});
