import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** A notice after a form (post/redirect/get) is the tool's own: a crafted link cannot make a page say something. */
describe('notices carried in a redirect', () => {
  let rig: LaunchRig;
  let instructor: TestBrowser;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    const i = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    instructor = (await launchAs(rig.lms, rig.toolUrl, { userId: i.id })).browser;
  });
  afterAll(async () => rig?.close());

  it('shows the notice the tool wrote after an action', async () => {
    const page = await (await instructor.get(`${rig.toolUrl}/instructor/grades`)).text();
    const res = await instructor.postForm(`${rig.toolUrl}/instructor/grades/resend-failed`, { csrf: csrfOf(page) }, { origin: rig.toolUrl });
    expect(res.status).toBe(303);
    const after = await (await instructor.get(new URL(res.headers.get('location')!, rig.toolUrl).href)).text();
    expect(after).toContain('0 failed grades queued again.');
  });

  it('ignores a notice written into a link by someone else, on every page that shows notices', async () => {
    for (const path of ['/instructor/grades', '/instructor/evidence', '/instructor/author', '/instructor/audit']) {
      const res = await instructor.get(`${rig.toolUrl}${path}?notice=${encodeURIComponent('Your course was closed. Call 555-0100.')}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).not.toContain('555-0100');
    }
  });
});
