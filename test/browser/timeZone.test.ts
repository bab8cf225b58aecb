import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { skipBrowserTests } from '../support/chromium.js';
import { browserRigForSuite } from '../support/coursePage.js';

/**
 * The reader's time zone (docs/decisions/0029-reader-time-zone.md) in a real browser whose zone is Asia/Kolkata: the
 * first instructor page shows UTC, named, and public/timeZone.js reports the zone; the next pages show local times.
 */
describe.skipIf(skipBrowserTests())('times in the browser’s time zone', () => {
  const rig = browserRigForSuite({ env: { DEMO: 'true' }, gradeWorker: false });

  const launched = async (role: 'Learner' | 'Instructor', timezoneId: string, opts: { noReport?: boolean } = {}): Promise<Page> => {
    const person = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith(`#${role}`)) && u.name.includes(' '))!;
    const context = await rig.chromium.newContext({ timezoneId });
    if (opts.noReport) await context.route('**/session/time-zone', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${person.name}` }).click();
    for (let i = 0; i < 100 && !page.frames().some((f) => f.url().startsWith(`${rig.toolUrl}/`)); i++) await page.waitForTimeout(100);
    return page;
  };
  const lastActivity = async (page: Page) => (await page.locator('td.last').allInnerTexts()).filter((s) => /\d/.test(s));

  it('reports the zone from the launch’s first page; the dashboard then shows local times (UTC, named, without it)', async () => {
    // A student answers once, so the dashboard has a "last activity" time.
    const student = await launched('Learner', 'America/Mexico_City');
    await student.goto(`${rig.toolUrl}/student/practice`);
    await student.getByRole('link', { name: 'Start practising' }).click();
    await student.locator('form.item-form').waitFor();
    const choices = student.locator('input[type="radio"], input[type="checkbox"]');
    if ((await choices.count()) > 0) await choices.first().check();
    else await student.getByLabel('Your answer').fill('1/2');
    await student.getByRole('button', { name: 'Check my answer' }).click();
    await student.locator('#feedback').waitFor();
    await student.context().close();

    // The first page of the launch (the dashboard, in the LMS’s frame) carries the question; the script answers it.
    const page = await (await rig.chromium.newContext({ timezoneId: 'Asia/Kolkata' })).newPage();
    const reported = page.waitForResponse((r) => r.url() === `${rig.toolUrl}/session/time-zone`);
    const instructor = rig.lms.users.find((u) => u.roles.some((r) => r.endsWith('#Instructor')) && u.name.includes(' '))!;
    await page.goto(rig.lms.url);
    await page.getByRole('button', { name: `Launch Masterly as ${instructor.name}` }).click();
    const answer = await reported;
    expect(answer.status()).toBe(204);
    expect(answer.request().postData()).toMatch(/timeZone=Asia%2F(Kolkata|Calcutta)&/); // Chromium says the older name
    expect(answer.request().frame().url()).toBe(`${rig.toolUrl}/instructor`);
    await page.goto(`${rig.toolUrl}/instructor`);
    const shown = await lastActivity(page);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/ GMT\+5:30$/);
    expect(await page.locator('meta[name="masterly-time-zone"]').count()).toBe(0);
    // A browser that never runs the script (or another zone's reader) still gets times, in UTC and named as such.
    const other = await launched('Instructor', 'America/Mexico_City', { noReport: true });
    await other.goto(`${rig.toolUrl}/instructor`);
    expect((await lastActivity(other))[0]).toMatch(/ UTC$/);
    await other.context().close();
    await page.context().close();
  }, 120_000);
});
