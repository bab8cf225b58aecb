/**
 * Submission Review over HTTP: the teacher clicks "Review" on a student's grade in the emulator's gradebook (Moodle's
 * "Grade analysis"), the LMS sends an LtiSubmissionReviewRequest with `for_user`, and Masterly opens that student's
 * page at the objective the activity carries. A student's review launch gets a plain refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, launchFromLoginUrl, parseForm, browser } from '../support/devplatform.js';
import { startRig, type LaunchRig } from '../support/tool.js';
import { studentAnswers } from './studentAnswers.js';

const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';
const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';
const PARTS = 'Fractions as parts of a whole';

describe('Submission Review from the LMS gradebook (moodle)', () => {
  let rig: LaunchRig;
  let sub: string;
  let teacherId: string;
  let activity: { id: string; lineItemId: number | null };
  let partsId: string;
  beforeAll(async () => {
    rig = await startRig('moodle', { env: { DEMO: 'true' }, gradeWorker: false } as never);
    sub = rig.lms.users.find((u) => u.roles.includes(LEARNER) && u.name)!.id;
    teacherId = rig.lms.users.find((u) => u.roles.includes(INSTRUCTOR) && !u.roles.some((r) => r.includes('#TeachingAssistant')))!.id;
    // The course's first launch imports the demo course; then the teacher adds an activity for one objective by hand.
    await launchAs(rig.lms, rig.toolUrl, { userId: teacherId });
    const parts = await rig.tool.db.kysely.selectFrom('objectives').select(['id', 'key']).where('title', '=', PARTS).executeTakeFirstOrThrow();
    partsId = parts.id;
    activity = await rig.lms.devplatform.addResourceLink({ title: PARTS, custom: { masterly_objective: parts.key }, lineItem: { label: PARTS, scoreMaximum: 100 } });
    const student = await launchAs(rig.lms, rig.toolUrl, { userId: sub, resourceLinkId: activity.id });
    const answer = studentAnswers(rig, student.browser);
    for (const right of [true, false, true, true]) await answer(right);
    expect((await rig.tool.advantage.drainUntilIdle()).failed).toBe(0);
  });
  afterAll(async () => rig?.close());

  it('opens the reviewed student\'s page at the objective for the teacher who clicks "Review"', async () => {
    const lms = browser();
    const gradebook = await (await lms.get(`${rig.lms.url}/gradebook`)).text();
    const forms = [...gradebook.matchAll(/<form method="post" action="\/launch" class="lms-review">[\s\S]*?<\/form>/g)].map((m) => parseForm(m[0], `${rig.lms.url}/gradebook`)!);
    const review = forms.find((f) => f.fields.forUserId === sub)!;
    expect(review.fields).toMatchObject({ userId: teacherId, messageType: 'LtiSubmissionReviewRequest', resourceLinkId: activity.id });
    const page = await lms.follow(await lms.postForm(review.action, review.fields, { origin: rig.lms.url }));
    const src = /<iframe[^>]*src="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&');

    const { response, browser: teacher } = await launchFromLoginUrl(rig.lms, browser(), src);
    const userId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', sub).executeTakeFirstOrThrow()).id;
    expect(response.status).toBe(200);
    expect(teacher.urlOf(response)).toBe(`${rig.toolUrl}/instructor/students/${userId}#objective-${partsId}`);
    const html = await response.text();
    expect(html).toContain(`id="objective-${partsId}"`);
    expect(html).toContain(PARTS);
    // Only instructors' review launches may open it again; the answer is the same.
    const again = await teacher.get(`${rig.toolUrl}/review`);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/instructor/students/${userId}#objective-${partsId}`);
  });

  it('refuses a student with a plain message', async () => {
    const { response } = await launchAs(rig.lms, rig.toolUrl, { userId: sub, messageType: 'LtiSubmissionReviewRequest', resourceLinkId: activity.id, forUserId: sub });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('Only your instructor can review work from the gradebook.');
    expect(html).not.toMatch(/LtiSubmissionReviewRequest|for_user/);
  });
});
