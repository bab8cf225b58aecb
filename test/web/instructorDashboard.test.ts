import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { systemClock } from '../../src/services/ports.js';
import { aCourseFile, answerToCycleCap, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { readResponses } from '../../src/cli/responsesCsv.js';
import { errorOf, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

describe('instructor dashboard over HTTP (launched from the LMS emulator)', () => {
  let rig: LaunchRig;
  let toolUrl: string;
  let learnerBrowser: TestBrowser;
  let instructorBrowser: TestBrowser;
  let contextId: string;
  let learnerId: string;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    toolUrl = rig.toolUrl;
  });
  afterAll(async () => rig?.close());

  const student = () => rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name) as { id: string; name: string };
  const instructor = () => rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`)) as { id: string; name: string };
  const engine = () => ({ courses: courseRepo(rig.tool.db.kysely), learners: learnerStore(rig.tool.db.kysely, rig.tool.db.dialect), clock: systemClock });
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const objectiveIdOf = async (key: string) =>
    (await rig.tool.db.kysely.selectFrom('objectives').select('id').where('context_id', '=', contextId).where('key', '=', key).executeTakeFirstOrThrow()).id;
  const stateCell = (html: string, objectiveId: string) => new RegExp(`data-objective="${objectiveId}"[\\s\\S]*?data-testid="state">([\\s\\S]*?)</td>`).exec(html)?.[1] ?? '';

  it('refuses the dashboard to a learner with ERR_FORBIDDEN', async () => {
    const launched = await launchAs(rig.lms, toolUrl, { userId: student().id });
    learnerBrowser = launched.browser;
    const landing = await launched.response.text();
    expect(landing).not.toContain('href="/instructor"');
    expect(landing).not.toContain('href="/instructor/evidence"');
    const ctx = await rig.tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow();
    contextId = ctx.id;
    learnerId = (await rig.tool.db.kysely.selectFrom('users').select('id').where('sub', '=', student().id).executeTakeFirstOrThrow()).id;
    await importCourse(engine(), { contextId, file: aCourseFile() });

    for (const path of ['/instructor', `/instructor/students/${learnerId}`]) {
      const res = await learnerBrowser.get(`${toolUrl}${path}`);
      expect(res.status).toBe(403);
      expect(errorOf(await res.text()).code).toBe('ERR_FORBIDDEN');
    }
    const post = await learnerBrowser.postForm(`${toolUrl}/instructor/students/${learnerId}/unlock`, { csrf: 'x', objectiveId: 'y' }, { origin: toolUrl });
    expect(post.status).toBe(403);
  });

  it('shows a student who failed their way to the cap under "Needs attention" with the stored explanation', async () => {
    const items = await courseRepo(rig.tool.db.kysely).listItems(contextId);
    let n = 0;
    await answerToCycleCap((key, right) => {
      const item = items.find((it) => it.key === key)!;
      return submitResponse(engine(), { contextId, userId: learnerId, itemId: item.id, attemptId: `http-fail-${++n}-attempt`, answer: right ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
    });
    const launched = await launchAs(rig.lms, toolUrl, { userId: instructor().id });
    instructorBrowser = launched.browser;
    // The launch opens the dashboard itself, grade sync and LMS evidence in its navigation.
    expect(instructorBrowser.urlOf(launched.response)).toBe(`${toolUrl}/instructor`);
    const landing = await launched.response.text();
    expect(landing).toMatch(/<h1>Class dashboard: Tiny course<\/h1>/);
    expect(landing).toContain('<a href="/instructor/grades">Grade sync</a>');
    expect(landing).toMatch(/<a href="\/instructor\/evidence"[^>]*>LMS grades as evidence<\/a>/);
    const res = await instructorBrowser.get(`${toolUrl}/instructor`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toMatch(/<h1>Class dashboard: Tiny course<\/h1>/);
    expect(html).toMatch(/<h2 id="attention-h">Needs attention<\/h2>/);
    const attention = /data-testid="attention">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    expect(attention).toContain(student().name);
    expect(attention).toContain('Stuck');
    // Written for the instructor: the facts and what to do, not the sentence the student saw.
    expect(attention).toMatch(/Not mastered after 5 failed checks and \d+ answers/);
    expect(attention).toContain('Suggested: open their answers');
    expect(attention).not.toMatch(/you can go on|you may move on|moved on/);
    // The grid: a real table with scoped headers and text states.
    expect(html).toMatch(/<caption id="grid-caption">/);
    // Numbered columns (titles in the objectives table, a tooltip and for screen readers), one symbol per cell.
    expect(html).toMatch(/<th scope="col" class="objective-col"><abbr title="Objective A">1<\/abbr><span class="visually-hidden"> Objective A<\/span><\/th>/);
    expect(html).toMatch(new RegExp(`<th scope="row"><a href="/instructor/students/${learnerId}">${student().name}</a></th>`));
    expect(html).toMatch(/<td class="cell tone-warn" title="Stuck"><span aria-hidden="true">⚠<\/span><span class="visually-hidden">Stuck<\/span><\/td>/);
    expect(html).not.toMatch(/P\(mastery\)|P \d+%/);
    // Filters: only students needing attention, then only those who have not started.
    const flaggedOnly = await (await instructorBrowser.get(`${toolUrl}/instructor?show=attention&sort=mastered`)).text();
    expect(flaggedOnly).toMatch(new RegExp(`<th scope="row"><a href="/instructor/students/${learnerId}">`));
    expect(flaggedOnly).toMatch(/Showing 1 of \d+ students\./);
    expect(flaggedOnly).toMatch(/<a href="\/instructor\?show=attention&amp;sort=mastered#grid-h" aria-current="true">Needing attention<\/a>/);
    const notStarted = await (await instructorBrowser.get(`${toolUrl}/instructor?show=not_started`)).text();
    const notStartedGrid = /data-testid="grid">([\s\S]*?)<\/table>/.exec(notStarted)?.[1] ?? notStarted;
    expect(notStartedGrid).not.toMatch(new RegExp(`/instructor/students/${learnerId}"`));
    expect(html).toContain('href="/instructor/grades"');
    expect(html).toContain('All objectives use the default learning-model parameters');
    // The instructor's own launch does not make them a row of the grid.
    expect(html).not.toMatch(new RegExp(`<th scope="row"><a[^>]*>${instructor().name}<`));
  });

  it('lets the instructor download the course’s answers as pyBKT-style CSV from the dashboard (not a learner)', async () => {
    const html = await (await instructorBrowser.get(`${toolUrl}/instructor`)).text();
    expect(html).toMatch(/<a href="\/instructor\/responses.csv" download[^>]*>Download all answers \(CSV\)<\/a>/);
    const res = await instructorBrowser.get(`${toolUrl}/instructor/responses.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="tiny-course-responses.csv"');
    const csv = await res.text();
    const rows = readResponses(csv);
    const logged = await rig.tool.db.kysely.selectFrom('responses').select('id').where('context_id', '=', contextId).where('type', '=', 'response').execute();
    expect(rows).toHaveLength(logged.length);
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((r) => r.userId))).toEqual(new Set([learnerId]));
    expect(new Set(rows.map((r) => r.skillName))).toContain('A');
    expect(rows.every((r) => r.at !== null && r.problemId !== null)).toBe(true);
    expect(csv).not.toContain(student().name); // names never go into the file
    const forbidden = await learnerBrowser.get(`${toolUrl}/instructor/responses.csv`);
    expect(forbidden.status).toBe(403);
  });

  it('resets the stuck objective from the student page (CSRF-checked), and the student can try again', async () => {
    const page = await (await instructorBrowser.get(`${toolUrl}/instructor/students/${learnerId}`)).text();
    const aId = await objectiveIdOf('A');
    expect(stateCell(page, aId)).toContain('Stuck');
    expect(page).toMatch(/<h2 id="history-h">Explanation history<\/h2>/);
    expect(page).toMatch(/not mastered yet after 5 checks/);
    const csrf = csrfOf(page);
    const forged = await instructorBrowser.postForm(`${toolUrl}/instructor/students/${learnerId}/reset`, { csrf: 'forged', objectiveId: aId }, { origin: toolUrl });
    expect(forged.status).toBe(403);
    const reset = await instructorBrowser.postForm(`${toolUrl}/instructor/students/${learnerId}/reset`, { csrf, objectiveId: aId }, { origin: toolUrl });
    expect(reset.status).toBe(303);
    const after = await (await instructorBrowser.follow(reset)).text();
    expect(after).toMatch(/role="status"[^>]*>Objective A was reset/);
    expect(stateCell(after, aId)).toContain('Not started');
    const again = await instructorBrowser.postForm(`${toolUrl}/instructor/students/${learnerId}/reset`, { csrf, objectiveId: aId }, { origin: toolUrl });
    expect(await (await instructorBrowser.follow(again)).text()).toMatch(/not stuck for this student/);
    // The grade outbox hook ran in the reset's transaction.
    const standing = await rig.tool.db.kysely.selectFrom('grade_objective_states').selectAll().where('user_id', '=', learnerId).where('objective_id', '=', aId).executeTakeFirst();
    expect(standing).toBeDefined();
  });

  it('unlocks a locked objective by override', async () => {
    const page = await (await instructorBrowser.get(`${toolUrl}/instructor/students/${learnerId}`)).text();
    const cId = await objectiveIdOf('C');
    expect(stateCell(page, cId)).toContain('Locked');
    expect(stateCell(page, cId)).toContain('<span aria-hidden="true">⊘</span>');
    expect(page).not.toMatch(/[\u{1F000}-\u{1FAFF}]/u);
    const res = await instructorBrowser.postForm(`${toolUrl}/instructor/students/${learnerId}/unlock`, { csrf: csrfOf(page), objectiveId: cId }, { origin: toolUrl });
    expect(res.status).toBe(303);
    const after = await (await instructorBrowser.follow(res)).text();
    expect(stateCell(after, cId)).toMatch(/Not started <span class="muted">\(unlocked by instructor\)<\/span>/);
    expect(after).toContain('Objective C was unlocked by your instructor.');
    // Overrides and resets are in the course's audit log, with who did them to whom.
    const audit = await (await instructorBrowser.get(`${toolUrl}/instructor/audit`)).text();
    expect(audit).toMatch(new RegExp(`<td>${instructor().name}</td><td>Fractions 101</td><td>Objective unlocked</td><td>${student().name}</td><td>objectiveId=${cId}; objective=Objective C</td>`));
    expect(audit).toMatch(new RegExp(`<td>${instructor().name}</td><td>Fractions 101</td><td>Objective reset</td><td>${student().name}</td>`));
  });

  it('validates accommodations with clear errors, then saves them', async () => {
    const page = await (await instructorBrowser.get(`${toolUrl}/instructor/students/${learnerId}`)).text();
    expect(page).toMatch(/<label for="acc-thresholdOffset">Threshold offset/);
    const url = `${toolUrl}/instructor/students/${learnerId}/accommodations`;
    const bad = await instructorBrowser.postForm(url, { csrf: csrfOf(page), thresholdOffset: '-0.5', extraCycles: '2', extraOpportunities: '0', timeMultiplier: '4' }, { origin: toolUrl });
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toMatch(/role="alert"/);
    expect(badHtml).toContain('The threshold offset must be between -0.10 and 0.');
    expect(badHtml).toContain('The time multiplier must be between 1 and 3.');
    expect(badHtml).toMatch(/id="acc-thresholdOffset"[^>]*value="-0.5"[^>]*aria-invalid=true/);
    const good = await instructorBrowser.postForm(url, { csrf: csrfOf(page), thresholdOffset: '-0.05', extraCycles: '2', extraOpportunities: '0', timeMultiplier: '1.5' }, { origin: toolUrl });
    expect(good.status).toBe(303);
    const saved = await (await instructorBrowser.follow(good)).text();
    expect(saved).toContain('Accommodations saved.');
    expect(saved).toMatch(/id="acc-thresholdOffset"[^>]*value="-0.05"/);
    expect(saved).toMatch(/\(needs 90%\)/);
    const row = await rig.tool.db.kysely.selectFrom('accommodations').selectAll().where('user_id', '=', learnerId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ threshold_offset: -0.05, extra_cycles: 2, time_multiplier: 1.5 });
  });
});
