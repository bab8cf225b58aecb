import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { errorOf, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
type Pairs = [string, string][];

describe('authoring pages over HTTP (drafts, forms, publish, preview, images)', () => {
  let rig: LaunchRig;
  let toolUrl: string;
  let teacher: TestBrowser;
  let learner: TestBrowser;
  let csrf = '';

  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    toolUrl = rig.toolUrl;
    const instructor = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`)) as { id: string };
    const student = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`) && u.name) as { id: string };
    teacher = (await launchAs(rig.lms, toolUrl, { userId: instructor.id })).browser;
    learner = (await launchAs(rig.lms, toolUrl, { userId: student.id })).browser;
  });
  afterAll(async () => rig?.close());

  const cookieOf = (b: TestBrowser) =>
    Object.entries(b.cookies(new URL(toolUrl).hostname))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  /** Posts a form with repeated fields (checkbox groups), as a browser does. */
  const post = (b: TestBrowser, path: string, pairs: Pairs) =>
    fetch(`${toolUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(b), origin: toolUrl },
      body: new URLSearchParams([['csrf', csrf], ...pairs]).toString(),
    });
  const page = async (b: TestBrowser, path: string) => {
    const res = await b.get(`${toolUrl}${path}`);
    return { status: res.status, html: await res.text() };
  };
  const location = (res: Response) => decodeURIComponent(res.headers.get('location') ?? '');
  /** The error text beside a field, and whether the field points at it. */
  const fieldError = (html: string, field: string) => {
    const text = new RegExp(`id="f-${field}-error"[^>]*>([^<]*)<`).exec(html)?.[1] ?? null;
    const described = new RegExp(`id="f-${field}"[^>]*aria-describedby="[^"]*f-${field}-error`).test(html);
    return { text, described };
  };

  it('is for instructors only: a learner gets ERR_FORBIDDEN, a form without its CSRF token ERR_CSRF_INVALID', async () => {
    const res = await learner.get(`${toolUrl}/instructor/author`);
    expect(res.status).toBe(403);
    expect(errorOf(await res.text()).code).toBe('ERR_FORBIDDEN');
    const { html } = await page(teacher, '/instructor/author');
    csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(html).toContain('This course has no content yet');
    const noToken = await fetch(`${toolUrl}/instructor/author/objectives`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(teacher) },
      body: 'title=X',
      redirect: 'manual',
    });
    expect(noToken.status).toBe(403);
    expect(errorOf(await noToken.text()).code).toBe('ERR_CSRF_INVALID');
  });

  it('refuses an invalid objective with a message beside each field (422), keeping what was typed', async () => {
    const res = await post(teacher, '/instructor/author/objectives', [['title', ''], ['description', 'kept text'], ['prior', '200'], ['key', 'bad key!']]);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(fieldError(html, 'title')).toEqual({ text: 'Fill this in.', described: true });
    expect(fieldError(html, 'prior').text).toBe('Enter a percentage from 1 to 90, or leave it blank.');
    expect(fieldError(html, 'key').described).toBe(true);
    expect(html).toMatch(/role="alert" class="error-summary"[\s\S]*href="#f-title"/);
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('kept text');
    expect(html).toContain('src="/static/forms.js"');
  });

  it('saves objectives with prerequisites in the draft and refuses a cycle, naming it', async () => {
    const a = await post(teacher, '/instructor/author/objectives', [['title', 'Halves and quarters'], ['prior', '30']]);
    expect(a.status).toBe(303);
    expect(location(a)).toMatch(/^\/instructor\/author\/objectives\/halves-and-quarters\?notice=Saved/);
    const b = await post(teacher, '/instructor/author/objectives', [['title', 'Adding fractions'], ['prerequisites', 'halves-and-quarters']]);
    expect(b.status).toBe(303);
    const cycle = await post(teacher, '/instructor/author/objectives/halves-and-quarters', [['title', 'Halves and quarters'], ['prerequisites', 'adding-fractions']]);
    expect(cycle.status).toBe(422);
    const html = await cycle.text();
    const err = fieldError(html, 'prerequisites');
    expect(err.text).toContain('Halves and quarters → Adding fractions → Halves and quarters');
    expect(html).toMatch(/<fieldset id="f-prerequisites"[^>]*aria-describedby="f-prerequisites-hint f-prerequisites-error"/);
    const { html: overview } = await page(teacher, '/instructor/author');
    expect(overview).toMatch(/Level 1[\s\S]*Halves and quarters[\s\S]*Level 2[\s\S]*Adding fractions[\s\S]*Needs: Halves and quarters/);
    expect(overview).toContain('You have unpublished changes');
    // The graph as a picture too: one arrow from the prerequisite to what needs it.
    expect(overview).toMatch(/data-testid="graph-svg"><svg [^>]*aria-hidden="true"/);
    expect(overview.match(/marker-end="url\(#graph-arrow\)"/g)).toHaveLength(1);
  });

  it('validates each kind of question beside its fields and saves valid ones', async () => {
    const o = ['objective', 'halves-and-quarters'] as [string, string];
    const noRight = await post(teacher, '/instructor/author/items', [o, ['kind', 'mc_single'], ['prompt', 'Pick one'], ['choice0', 'A'], ['choice1', 'B']]);
    expect(noRight.status).toBe(422);
    expect(/id="f-right-error"[^>]*>([^<]*)</.exec(await noRight.text())?.[1]).toBe('Tick exactly one right choice.');
    const badFraction = await post(teacher, '/instructor/author/items', [o, ['kind', 'fraction'], ['prompt', 'Half?'], ['fraction', 'two quarters']]);
    expect(badFraction.status).toBe(422);
    expect(fieldError(await badFraction.text(), 'fraction')).toEqual({ text: 'Enter a fraction like 3/4, 1 1/2 or 2.', described: true });
    const badNumber = await post(teacher, '/instructor/author/items', [o, ['kind', 'numeric'], ['prompt', ''], ['value', 'x'], ['tolerance', '-1']]);
    const nh = await badNumber.text();
    expect(fieldError(nh, 'prompt').text).toBe('Fill this in.');
    expect(fieldError(nh, 'value').text).toBe('Enter a number, like 0.75 or -2.');
    expect(fieldError(nh, 'tolerance').text).toBe('Enter 0 or a positive number.');
    const noAccepted = await post(teacher, '/instructor/author/items', [o, ['kind', 'short'], ['prompt', 'Name it'], ['accepted', '  \n ']]);
    expect(fieldError(await noAccepted.text(), 'accepted').text).toBe('Give at least one accepted answer.');

    const saved = [
      await post(teacher, '/instructor/author/items', [o, ['kind', 'mc_single'], ['key', 'q-half'], ['prompt', 'Which is $\\frac{1}{2}$?'], ['choice0', 'one half'], ['choice1', 'one third'], ['right', '0'], ['feedbackCorrect', 'Yes!'], ['feedbackIncorrect', 'Count the parts.']]),
      await post(teacher, '/instructor/author/items', [o, ['kind', 'fraction'], ['key', 'q-bar'], ['prompt', 'What is shaded?\n\n```text\n[###|###|   |   ]\n```'], ['fraction', '1/2']]),
      await post(teacher, '/instructor/author/items', [o, ['kind', 'fraction'], ['key', 'q-simplest'], ['prompt', 'Simplify 2/4.'], ['fraction', '1/2'], ['simplest', '1']]),
      await post(teacher, '/instructor/author/items', [o, ['kind', 'numeric'], ['key', 'q-num'], ['prompt', 'Half of 10?'], ['value', '5'], ['tolerance', '0']]),
      await post(teacher, '/instructor/author/items', [o, ['kind', 'short'], ['key', 'q-word'], ['prompt', 'Name 1/2.'], ['accepted', 'a half\none half']]),
    ];
    for (const r of saved) expect(r.status).toBe(303);
    const { html } = await page(teacher, '/instructor/author/objectives/halves-and-quarters');
    expect(html.match(/<li><a href="\/instructor\/author\/items\//g)?.length).toBe(5);
    const edit = await page(teacher, '/instructor/author/items/q-half');
    expect(edit.html).toMatch(/id="f-right-0" value="0" checked/);
  });

  it('saves lesson pages in Markdown; hostile Markdown, HTML and TeX come out inert', async () => {
    const hostile = [
      '# Halves',
      '<script>alert(1)</script><img src=x onerror=alert(2)>',
      '[click](javascript:alert(3)) ![pic](https://evil.example/x.png) ![ok](/media/abc)',
      'TeX: $\\href{javascript:alert(4)}{x}$ and $\\frac{1}{2}$',
      '$$',
      '\\frac{a}{b}',
      '$$',
    ].join('\n\n');
    const bad = await post(teacher, '/instructor/author/pages', [['objective', 'halves-and-quarters'], ['kind', 'lesson'], ['title', ''], ['body', '']]);
    expect(bad.status).toBe(422);
    const bh = await bad.text();
    expect(fieldError(bh, 'title').text).toBe('Fill this in.');
    expect(fieldError(bh, 'body').text).toBe('Fill this in.');
    const ok = await post(teacher, '/instructor/author/pages', [['objective', 'halves-and-quarters'], ['kind', 'lesson'], ['key', 'lesson-halves'], ['title', 'What is a half?'], ['body', hostile]]);
    expect(ok.status).toBe(303);
    const { html } = await page(teacher, '/instructor/author/pages/lesson-halves');
    const rendered = html.slice(html.indexOf('As students see it'));
    // Text that looks like code stays text: no element, handler, script URL or foreign image survives.
    expect(rendered).not.toMatch(/<script|<[^>]+\son\w+=|href="javascript:|src="https?:|<img src="x"/i);
    expect(rendered).toContain('&lt;script&gt;');
    expect(rendered).toContain('<img src="/media/abc" alt="ok"');
    expect(rendered).toMatch(/<math><mfrac><mn>1<\/mn><mn>2<\/mn><\/mfrac><\/math>/);
    expect(rendered).toMatch(/<math display="block" class="tml-display">/);
    expect(rendered).not.toContain('style=');
  });

  it('keeps the draft from students until it is published', async () => {
    const before = await learner.get(`${toolUrl}/student`);
    expect(await before.text()).not.toContain('Halves and quarters');
    const res = await post(teacher, '/instructor/author/publish', []);
    expect(res.status).toBe(303);
    expect(location(res)).toContain('Published. Students see the new content now.');
    const map = await learner.get(`${toolUrl}/student`);
    expect(map.status).toBe(200);
    expect(await map.text()).toContain('Halves and quarters');
    // A later edit is a draft again: students still see the published title.
    await post(teacher, '/instructor/author/objectives/halves-and-quarters', [['title', 'Halves (draft title)'], ['prior', '30']]);
    expect(await (await learner.get(`${toolUrl}/student`)).text()).not.toContain('draft title');
    const discard = await post(teacher, '/instructor/author/discard', []);
    expect(location(discard)).toContain('The draft was discarded');
    expect((await page(teacher, '/instructor/author/objectives/halves-and-quarters')).html).toContain('Halves and quarters');
  });

  it('sets a time limit for mastery checks on the course form (ADR 0023), refusing a bad one beside the field', async () => {
    const bad = await post(teacher, '/instructor/author/course', [['title', 'Fractions'], ['checkTimeLimitMinutes', '2.5']]);
    expect(bad.status).toBe(422);
    expect(fieldError(await bad.text(), 'checkTimeLimitMinutes')).toEqual({ text: 'Enter the time limit as whole minutes from 1 to 240, or leave it empty.', described: true });
    const limit = async () => (await rig.tool.db.kysely.selectFrom('engine_courses').select('check_time_limit_minutes').executeTakeFirstOrThrow()).check_time_limit_minutes;
    expect(await limit()).toBeNull();
    expect((await post(teacher, '/instructor/author/course', [['title', 'Fractions'], ['checkTimeLimitMinutes', '12']])).status).toBe(303);
    expect((await page(teacher, '/instructor/author')).html).toMatch(/id="f-checkTimeLimitMinutes"[^>]*value="12"/);
    expect((await post(teacher, '/instructor/author/publish', [])).status).toBe(303);
    expect(await limit()).toBe(12);
    // Emptied and published again: untimed.
    await post(teacher, '/instructor/author/course', [['title', 'Fractions'], ['checkTimeLimitMinutes', '']]);
    await post(teacher, '/instructor/author/publish', []);
    expect(await limit()).toBeNull();
  });

  it('previews as a student: the lesson, the question as students see it, feedback; nothing recorded', async () => {
    const count = async () => Number((await rig.tool.db.kysely.selectFrom('responses').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const { status, html } = await page(teacher, '/instructor/author/preview/halves-and-quarters');
    expect(status).toBe(200);
    expect(html).toContain('What is a half?');
    expect(html).toContain('<fieldset aria-labelledby="prompt">');
    const second = await page(teacher, '/instructor/author/preview/halves-and-quarters?item=1');
    expect(second.html).toMatch(/<svg[^>]*role="img" aria-label="a bar in 4 equal parts, 2 shaded\."/);
    const right = await post(teacher, '/instructor/author/preview/halves-and-quarters/check', [['item', 'q-bar'], ['index', '1'], ['answer', '2/4']]);
    expect(await right.text()).toMatch(/data-testid="preview-feedback">\s*<p><strong>Right\.<\/strong>/);
    const simplest = await post(teacher, '/instructor/author/preview/halves-and-quarters/check', [['item', 'q-simplest'], ['index', '2'], ['answer', '2/4']]);
    expect(await simplest.text()).toContain('asks for the simplest form');
    expect(await count()).toBe(before);
  });

  it('uploads images within type and size limits, serves them with their type and nosniff, sanitises SVG', async () => {
    const upload = async (name: string, type: string, bytes: Buffer, token = csrf) => {
      const fd = new FormData();
      fd.set('csrf', token);
      fd.set('alt', 'a bar');
      fd.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
      return fetch(`${toolUrl}/instructor/author/media`, { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: cookieOf(teacher) } });
    };
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
    expect((await upload('x.png', 'image/png', png, 'wrong')).status).toBe(403);
    const ok = await upload('bar.png', 'image/png', png);
    expect(ok.status).toBe(303);
    const id = /\/media\/([A-Za-z0-9-]+)\)/.exec(location(ok))?.[1] ?? '';
    expect(location(ok)).toContain(`![a bar](/media/${id})`);
    const got = await teacher.get(`${toolUrl}/media/${id}`);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
    expect((await learner.get(`${toolUrl}/media/${id}`)).status).toBe(200);

    const tooBig = await upload('big.png', 'image/png', Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]));
    expect(tooBig.status).toBe(413);
    expect(errorOf(await tooBig.text()).code).toBe('ERR_UPLOAD_TOO_LARGE');
    const html = await upload('page.png', 'image/png', Buffer.from('<html><script>alert(1)</script></html>'));
    expect(html.status).toBe(422);
    expect(errorOf(await html.text()).code).toBe('ERR_VALIDATION');

    const svg = await upload('d.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10" fill="url(https://evil.example/#x)"/></svg>'));
    expect(svg.status).toBe(303);
    const svgId = /\/media\/([A-Za-z0-9-]+)\)/.exec(location(svg))?.[1] ?? '';
    const served = await teacher.get(`${toolUrl}/media/${svgId}`);
    expect(served.headers.get('content-type')).toBe('image/svg+xml');
    expect(served.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await served.text()).toBe('<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"></rect></svg>');
  });
});
