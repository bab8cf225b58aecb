import { afterEach, describe, expect, it } from 'vitest';
import { masteryChange, startPassbackRig, type PassbackRig } from './passbackSupport.js';

const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('grade-sync ledger for instructors', () => {
  let rig: PassbackRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('shows real LMS refusals in plain words and queues them again on "resend all failed"', async () => {
    rig = await startPassbackRig('canvas', { students: 2 });
    await masteryChange(rig, rig.instructorSub, 'obj-a', 0.97, 'mastered', Date.UTC(2026, 2, 1));
    await masteryChange(rig, rig.students[0]!, 'obj-a', 0.97, 'mastered', Date.UTC(2026, 2, 1));
    await rig.adv.drainUntilIdle();

    const teacher = rig.browsers.get(rig.instructorSub)!;
    const page = await teacher.get(`${rig.toolUrl}/instructor/grades`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Not a student');
    expect(html).toContain('Sent');

    // Without the CSRF token nothing happens.
    const forged = await teacher.postForm(`${rig.toolUrl}/instructor/grades/resend-failed`, { csrf: 'nope' });
    expect(forged.status).toBe(403);
    expect((await rig.adv.outbox.counts(rig.contextId)).failed).toBe(1);

    const resent = await teacher.postForm(`${rig.toolUrl}/instructor/grades/resend-failed`, { csrf: csrfOf(html) });
    expect(resent.status).toBe(303);
    expect(await rig.adv.outbox.counts(rig.contextId)).toMatchObject({ pending: 1, failed: 0 });
    // Who queued them is in the course's audit log.
    const audit = await (await teacher.get(`${rig.toolUrl}/instructor/audit`)).text();
    expect(audit).toMatch(/<td>[^<]+<\/td><td>[^<]*<\/td><td>Grades sent again<\/td><td><\/td><td>grades=1<\/td>/);
  });

  it('is for instructors only', async () => {
    rig = await startPassbackRig('generic', { students: 1 });
    const student = rig.browsers.get(rig.students[0]!)!;
    expect((await student.get(`${rig.toolUrl}/instructor/grades`)).status).toBe(403);
  });

  it('lets the instructor choose the grade policy and layout', async () => {
    rig = await startPassbackRig('generic', { students: 1 });
    const teacher = rig.browsers.get(rig.instructorSub)!;
    const html = await (await teacher.get(`${rig.toolUrl}/instructor/grades`)).text();
    const res = await teacher.postForm(`${rig.toolUrl}/instructor/grades/policy`, { csrf: csrfOf(html), policy: 'p_mastery', perObjective: '1', scoreMaximum: '10' });
    expect(res.status).toBe(303);
    await masteryChange(rig, rig.students[0]!, 'obj-a', 0.9, 'mastered', Date.UTC(2026, 2, 1));
    await rig.adv.drainUntilIdle();
    const results = await rig.lms.devplatform.results();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ scoreGiven: 9, scoreMaximum: 10, userId: rig.students[0] });
    const audit = await (await teacher.get(`${rig.toolUrl}/instructor/audit`)).text();
    expect(audit).toMatch(/<td>Grade policy changed<\/td><td><\/td><td>policy=p_mastery; perObjective=true; perActivity=false; scoreMaximum=10; language=en<\/td>/);
  });
});
