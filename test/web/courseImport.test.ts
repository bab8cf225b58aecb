/**
 * Import and export through the instructor pages, over HTTP from an LMS-emulator launch, on SQLite or PostgreSQL
 * (DATABASE_URL): upload → staged preview (per-question report) → regroup → commit (progress page) → the course; every
 * format's download re-imports to the same course; hostile uploads are refused with their reason and stage nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipFiles } from '../../src/services/courseFormats/cartridge.js';
import { launchAs, type TestBrowser } from '../support/devplatform.js';
import { errorOf, startRig, type LaunchRig } from '../support/tool.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/interop');

describe('course import and export pages', () => {
  let rig: LaunchRig;
  let b: TestBrowser;
  let contextId: string;
  beforeAll(async () => {
    rig = await startRig('generic', { gradeWorker: false, bktFitting: false });
    const instructor = rig.lms.users.find((u) => u.roles.includes(`${LIS}Instructor`)) as { id: string };
    b = (await launchAs(rig.lms, rig.toolUrl, { userId: instructor.id })).browser;
    contextId = (await rig.tool.db.kysely.selectFrom('contexts').select('id').executeTakeFirstOrThrow()).id;
  }, 60_000);
  afterAll(async () => rig?.close());

  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const page = async (p: string) => (await b.get(`${rig.toolUrl}${p}`)).text();
  const upload = async (name: string, data: Buffer | string, opts: { format?: string; csrf?: string | null } = {}) => {
    const csrf = opts.csrf === undefined ? csrfOf(await page('/instructor/import')) : opts.csrf;
    const fd = new FormData();
    if (csrf !== null) fd.append('csrf', csrf);
    fd.append('format', opts.format ?? 'auto');
    fd.append('file', new Blob([data]), name);
    const cookie = Object.entries(b.cookies(new URL(rig.toolUrl).hostname)).map(([k, v]) => `${k}=${v}`).join('; ');
    return fetch(`${rig.toolUrl}/instructor/import`, { method: 'POST', body: fd, headers: { cookie, origin: rig.toolUrl }, redirect: 'manual' });
  };
  const staged = async () => Number((await rig.tool.db.kysely.selectFrom('course_imports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const objectives = () => rig.tool.db.kysely.selectFrom('objectives').select(['key', 'title', 'id']).where('context_id', '=', contextId).where('active', '=', 1 as never).orderBy('position').execute();
  const itemCount = async () =>
    Number((await rig.tool.db.kysely.selectFrom('items').select((eb) => eb.fn.countAll().as('n')).where('context_id', '=', contextId).where('active', '=', 1 as never).executeTakeFirstOrThrow()).n);
  const commit = async (id: string, mode = 'add') => {
    const html = await page(`/instructor/import/${id}`);
    const res = await b.postForm(`${rig.toolUrl}/instructor/import/${id}/commit`, { csrf: csrfOf(html), mode }, { origin: rig.toolUrl });
    expect(res.status).toBe(303);
    // The page refreshes itself while the commit runs; poll it as the browser would.
    for (let i = 0; i < 200; i++) {
      const r = await b.get(`${rig.toolUrl}/instructor/import/${id}`);
      const text = await r.text();
      if (!r.headers.get('refresh')) return text;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('commit never finished');
  };
  const idOf = (res: Response) => /\/instructor\/import\/([0-9a-f-]{36})$/.exec(res.headers.get('location') ?? '')?.[1] as string;

  it('previews a Moodle XML bank question by question, regroups it, and commits it into the course', async () => {
    const home = await page('/instructor/import');
    expect(home).toContain('enctype="multipart/form-data"');
    expect(home).toContain('This course has no content yet');
    const res = await upload('fractions.xml', fs.readFileSync(path.join(FIXTURES, 'moodle-fractions.xml')));
    expect(res.status).toBe(303);
    const id = idOf(res);
    expect(await objectives()).toEqual([]); // staged only
    const preview = await page(`/instructor/import/${id}`);
    expect(preview).toContain('5 question(s) can be imported into 2 objective(s); 4 skipped.');
    expect(preview).toContain('Skipped: Masterly does not support matching questions yet.');
    expect(preview).toContain('Skipped: Masterly does not support cloze (embedded answers) questions yet.');
    expect(preview).toContain('Skipped: Masterly does not support drag-and-drop questions yet.');
    expect(preview).toContain('Imported into “Halves and quarters”');
    expect(preview).not.toContain('alert(');

    const group = await b.postForm(
      `${rig.toolUrl}/instructor/import/${id}/group`,
      // Form fields repeat per objective row (URLSearchParams keeps the order): rename the first, merge the second into it.
      { csrf: csrfOf(preview), key: 'halves', title: 'Halves, quarters and amounts', into: '' } as Record<string, string>,
      { origin: rig.toolUrl },
    );
    expect(group.status).toBe(303);
    const merged = await b.get(`${rig.toolUrl}/instructor/import/${id}`);
    const mergedHtml = await merged.text();
    const res2 = await fetch(`${rig.toolUrl}/instructor/import/${id}/group`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: Object.entries(b.cookies(new URL(rig.toolUrl).hostname)).map(([k, v]) => `${k}=${v}`).join('; '), origin: rig.toolUrl },
      body: new URLSearchParams([['csrf', csrfOf(mergedHtml)], ['key', 'halves'], ['title', 'Halves, quarters and amounts'], ['into', ''], ['key', 'fractions-of-amounts'], ['title', 'Fractions of amounts'], ['into', 'halves']]),
      redirect: 'manual',
    });
    expect(res2.status).toBe(303);
    expect(await page(`/instructor/import/${id}`)).toContain('5 question(s) can be imported into 1 objective(s); 4 skipped.');

    const done = await commit(id);
    expect(done).toContain('Imported: 5 question(s) in 1 objective(s) (5 new, 0 updated).');
    expect(done).toContain('Imported into “Halves, quarters and amounts”'); // the report stays, naming the objectives
    expect(done).not.toContain('data-testid="grouping"');
    expect((await objectives()).map((o) => [o.key, o.title])).toEqual([['halves', 'Halves, quarters and amounts']]);
    expect(await itemCount()).toBe(5);
    // Committed once: a second commit of the same import is refused, nothing doubles.
    const again = await b.postForm(`${rig.toolUrl}/instructor/import/${id}/commit`, { csrf: csrfOf(await page('/instructor/import')), mode: 'add' }, { origin: rig.toolUrl });
    expect(errorOf(await again.text())).toEqual({ code: 'ERR_IMPORT_REJECTED', reason: 'staging_gone' });
    expect(await itemCount()).toBe(5);
  });

  it.each(['moodle', 'gift', 'csv', 'native', 'cartridge'])('downloads the course as %s and re-imports it to the same course', async (format) => {
    const before = await itemCount();
    const dl = await b.get(`${rig.toolUrl}/instructor/export?format=${format}`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"]+\.(xml|gift\.txt|csv|json|imscc)"$/);
    const body = Buffer.from(await dl.arrayBuffer());
    const res = await upload(`course.${format === 'moodle' ? 'xml' : format === 'gift' ? 'gift' : format === 'csv' ? 'csv' : format === 'native' ? 'json' : 'imscc'}`, body);
    expect(res.status).toBe(303);
    const done = await commit(idOf(res));
    expect(done).toContain(`(0 new, ${before} updated)`);
    expect(await itemCount()).toBe(before);
    expect((await objectives()).map((o) => o.title)).toEqual(['Halves, quarters and amounts']);
  });

  const hostile: [string, string, () => Buffer | string, string][] = [
    ['an XML external entity', 'xxe.xml', () => '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz><question type="category"><category><text>&x;</text></category></question></quiz>', 'xml_doctype'],
    ['billion laughs', 'lol.xml', () => '<!DOCTYPE q [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><quiz>&b;</quiz>', 'xml_doctype'],
    ['malformed XML', 'broken.xml', () => '<quiz><question type="multichoice"><name><text>x</name></question></quiz>', 'xml_malformed'],
    ['a file over 50 MB', 'big.xml', () => Buffer.concat([Buffer.from('<quiz><!-- '), Buffer.alloc(51 * 1024 * 1024, 'x'), Buffer.from(' --></quiz>')]), 'too_large'],
    ['a file of unknown type', 'notes.docx', () => 'PK whatever', 'format_unknown'],
    ['a file with only unsupported questions', 'essay.xml', () => '<quiz><question type="essay"><name><text>E</text></name><questiontext format="html"><text>Why?</text></questiontext></question></quiz>', 'nothing_importable'],
    ['broken JSON', 'course.json', () => '{"format":', 'json_malformed'],
    ['a zip bomb', 'bomb.imscc', () => zipFiles([{ name: 'imsmanifest.xml', data: Buffer.from('<manifest/>') }, { name: 'big.xml', data: Buffer.alloc(64 * 1024 * 1024) }]), 'zip_ratio'],
    ['a zip whose paths escape it', 'escape.imscc', () => zipFiles([{ name: '../evil.sh', data: Buffer.from('x') }]), 'zip_path'],
  ];
  it.each(hostile)('refuses %s with a clear message, and stages nothing', async (_title, name, data, reason) => {
    const items = await itemCount();
    const res = await upload(name, data());
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(errorOf(html)).toEqual({ code: 'ERR_IMPORT_REJECTED', reason });
    expect(html).not.toMatch(/\n\s+at /);
    expect(html).not.toContain('/etc/passwd');
    expect(await staged()).toBe(await rig.tool.db.kysely.selectFrom('course_imports').select('id').where('status', '=', 'committed').execute().then((r) => r.length));
    expect(await itemCount()).toBe(items);
  }, 60_000);

  it('refuses an upload without the form token before reading it', async () => {
    const res = await upload('fractions.xml', fs.readFileSync(path.join(FIXTURES, 'moodle-fractions.xml')), { csrf: null });
    expect(res.status).toBe(403);
    expect(errorOf(await res.text()).code).toBe('ERR_CSRF_INVALID');
  });

  it('keeps the pages for instructors', async () => {
    const learner = rig.lms.users.find((u) => u.roles.includes(`${LIS}Learner`)) as { id: string };
    const s = (await launchAs(rig.lms, rig.toolUrl, { userId: learner.id })).browser;
    for (const p of ['/instructor/import', '/instructor/export?format=native']) expect((await s.get(`${rig.toolUrl}${p}`)).status).toBe(403);
  });
});
