import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCourse } from '../../src/services/importCourse.js';
import { submitResponse } from '../../src/services/submitResponse.js';
import { systemClock } from '../../src/services/ports.js';
import { courseRepo } from '../../src/store/courseRepo.js';
import { learnerStore } from '../../src/store/learnerRepo.js';
import { aCourseFile, aLearner, answerToCycleCap, rightAnswerFor, wrongAnswerFor } from '../factories.engine.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

// The pictures on the instructor pages (src/web/charts.ts) for a known class, on the real store (SQLite, or
// PostgreSQL with DATABASE_URL): one student stuck on A, one who mastered A, one practising A.
describe('instructor pictures over HTTP', () => {
  let rig: LaunchRig;
  let instructor: TestBrowser;
  let contextId: string;
  const ids: Record<'stuck' | 'mastered' | 'practising', string> = { stuck: '', mastered: '', practising: '' };
  const objectiveIds: Record<string, string> = {};

  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    const db = rig.tool.db;
    const engine = { courses: courseRepo(db.kysely), learners: learnerStore(db.kysely, db.dialect), clock: systemClock };
    const learner = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name)!;
    await launchAs(rig.lms, rig.toolUrl, { userId: learner.id });
    contextId = (await db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
    ids.stuck = (await db.kysely.selectFrom('users').select('id').where('sub', '=', learner.id).executeTakeFirstOrThrow()).id;
    ids.mastered = await aLearner(db.kysely, contextId, 'Bo <script>alert(1)</script> & Co');
    ids.practising = await aLearner(db.kysely, contextId, 'Cy Practising');
    await importCourse(engine, { contextId, file: aCourseFile() });
    for (const o of await db.kysely.selectFrom('objectives').select(['id', 'key']).where('context_id', '=', contextId).execute()) objectiveIds[o.key] = o.id;
    const items = await courseRepo(db.kysely).listItems(contextId);
    let n = 0;
    const answer = (userId: string, key: string, right: boolean) => {
      const item = items.find((it) => it.key === key)!;
      return submitResponse(engine, { contextId, userId, itemId: item.id, attemptId: `pictures-${++n}-attempt`, answer: right ? rightAnswerFor(item.kind) : wrongAnswerFor(item.kind) });
    };
    await answerToCycleCap((key, right) => answer(ids.stuck, key, right));
    for (let i = 0, state = ''; state !== 'mastered'; i++) {
      if (i >= 24) throw new Error('A was not mastered');
      state = (await answer(ids.mastered, `A-${i % 12}`, true)).change.stateAfter;
    }
    await answer(ids.practising, 'A-0', false);
    await answer(ids.practising, 'A-1', true);
    const instructorUser = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    instructor = (await launchAs(rig.lms, rig.toolUrl, { userId: instructorUser.id })).browser;
  }, 60_000);
  afterAll(async () => rig?.close());

  /** The chart's segments of one objective's bar, by level (objectives are drawn in course order). */
  const bars = (svg: string) =>
    [...svg.matchAll(/<rect [^>]*data-level="(\w+)" data-count="(\d+)"/g)].reduce<Record<string, number>[]>((rows, m) => {
      // A new bar starts at x="1" (its first segment).
      if (/ x="1" /.test(m[0]) || rows.length === 0) rows.push({});
      (rows[rows.length - 1] as Record<string, number>)[m[1] as string] = Number(m[2]);
      return rows;
    }, []);

  it('shows class progress per objective with the counts of the summary table', async () => {
    const html = await (await instructor.get(`${rig.toolUrl}/instructor`)).text();
    const figure = /<figure data-testid="class-progress">([\s\S]*?)<\/figure>/.exec(html)?.[1] ?? '';
    expect(figure).toMatch(/^<svg [^>]*role="img" aria-labelledby="class-progress-title" aria-describedby="class-progress-desc"/);
    expect(figure).toContain('<title id="class-progress-title">Class progress: students at each level, per objective</title>');
    // Three students started; whoever else the roster lists has not.
    const rows = [...(/data-testid="summary">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '').matchAll(/<th scope="row">[^<]*<\/th><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td>/g)];
    const table = rows.map((r) => ({ mastered: Number(r[1]), practising: Number(r[2]), stuck: Number(r[3]), notStarted: Number(r[4]) }));
    expect(table[0]).toMatchObject({ mastered: 1, practising: 1, stuck: 1 });
    const drawn = bars(figure);
    expect(drawn).toHaveLength(3);
    expect(drawn[0]).toEqual(Object.fromEntries(Object.entries(table[0]!).filter(([, v]) => v > 0)));
    // B and C: nobody has started.
    for (const i of [1, 2]) expect(drawn[i]).toEqual({ notStarted: table[i]!.notStarted });
    expect(table[1]!.notStarted).toBeGreaterThanOrEqual(3);
    const desc = /<desc id="class-progress-desc">([^<]*)<\/desc>/.exec(figure)?.[1];
    expect(desc).toContain(`Objective A: 1 mastered, 1 practising, 1 stuck, ${table[0]!.notStarted} not started.`);
    expect(figure).toContain('✓ 1');
  });

  it('offers the prerequisite graph on the dashboard, folded away, as a picture and in words', async () => {
    const html = await (await instructor.get(`${rig.toolUrl}/instructor`)).text();
    const graph = /<details class="chart" data-testid="prerequisites">([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '';
    expect(graph).toContain('<summary>Objectives and prerequisites</summary>');
    expect(graph).toMatch(/<svg [^>]*class="graph-svg"[^>]*aria-hidden="true"/);
    // A → B → C: three levels, each arrow drawn once.
    expect(graph.match(/marker-end="url\(#graph-arrow\)"/g)).toHaveLength(2);
    const words = graph.replace(/<svg[\s\S]*<\/svg>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(words).toContain('Level 1 Objective A — Needs nothing first');
    expect(words).toContain('Level 2 Objective B — Needs: Objective A');
    expect(words).toContain('Level 3 Objective C — Needs: Objective B');
  });

  it('shows a student’s level over time for each objective they started, never a probability', async () => {
    const html = await (await instructor.get(`${rig.toolUrl}/instructor/students/${ids.stuck}`)).text();
    const timelines = /data-testid="timelines">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
    const figures = [...timelines.matchAll(/<figure class="chart" data-objective="([^"]+)">([\s\S]*?)<\/figure>/g)];
    expect(figures.map((f) => f[1])).toEqual([objectiveIds.A]);
    const svg = figures[0]![2] as string;
    expect(svg).toContain('<title id="timeline-1-title">Objective A: level over time</title>');
    const levels = [...svg.matchAll(/<circle [^>]*data-level="(\w+)"/g)].map((m) => m[1]);
    expect(levels[0]).toBe('notStarted');
    expect(levels[1]).toBe('practising');
    expect(levels[levels.length - 1]).toBe('stuck');
    expect(levels).not.toContain('mastered');
    const desc = /<desc id="timeline-1-desc">([^<]*)<\/desc>/.exec(svg)?.[1] ?? '';
    expect(desc).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M UTC: Not started; .*Now: Stuck$/);
    // The axis's dates are the pages' date helper's ("… UTC").
    expect([...svg.matchAll(/<text [^>]*>([^<]*UTC)<\/text>/g)]).toHaveLength(2);
    const words = [...svg.matchAll(/>([^<]+)</g)].map((m) => m[1]).join(' ');
    expect(words).not.toMatch(/%|\d[.,]\d/);
  });

  it('escapes a student’s name in the pictures and draws nothing for objectives not started', async () => {
    const res = await instructor.get(`${rig.toolUrl}/instructor/students/${ids.mastered}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('For each objective Bo &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co has started');
    const figures = [...html.matchAll(/<figure class="chart" data-objective="([^"]+)">/g)].map((m) => m[1]);
    expect(figures).toEqual([objectiveIds.A]);
    expect(html).toMatch(/<desc id="timeline-1-desc">[^<]*Now: Mastered<\/desc>/);
  });

  it('names one student’s level in the singular in Spanish, and a count of students in the plural', async () => {
    const instructorUser = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`))!;
    rig.lms.devplatform.setMemberLocale(instructorUser.id, 'es');
    const es = (await launchAs(rig.lms, rig.toolUrl, { userId: instructorUser.id })).browser;
    rig.lms.devplatform.setMemberLocale(instructorUser.id, 'en');
    const student = await (await es.get(`${rig.toolUrl}/instructor/students/${ids.stuck}`)).text();
    expect(student).toContain('<html lang="es">');
    expect(student).toMatch(/<desc id="timeline-1-desc">[^<]*Ahora: Atascado<\/desc>/);
    const timelines = /data-testid="timelines">([\s\S]*?)<\/div>/.exec(student)?.[1] ?? '';
    expect(timelines).toContain('Atascado');
    expect(timelines).not.toContain('Atascados');
    // The class picture counts students: there the plural is right.
    const dashboard = await (await es.get(`${rig.toolUrl}/instructor`)).text();
    expect(/<svg[^>]*id="class-progress"[\s\S]*?<\/svg>/.exec(dashboard)?.[0]).toContain('Atascados');
  });

  it('says so when the student has started nothing', async () => {
    const fresh = await aLearner(rig.tool.db.kysely, contextId, 'Di Nothing');
    await rig.tool.db.kysely.insertInto('enrollments').values({ user_id: fresh, context_id: contextId, roles: JSON.stringify([`${LIS}Learner`]), last_launch_at: Date.now() }).execute();
    const html = await (await instructor.get(`${rig.toolUrl}/instructor/students/${fresh}`)).text();
    expect(html).toContain('No objective started yet.');
    expect(html).not.toContain('data-testid="timelines"');
  });
});
