import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { viewEngine } from '../../src/web/views.js';

/** Renders `file` with the engine as Express calls it. */
const renderWith = (engine: ReturnType<typeof viewEngine>, file: string, options: Record<string, unknown> & { cache?: boolean }) =>
  new Promise<string>((resolve, reject) => {
    engine(file, options, (err, html) => (err ? reject(err) : resolve(html ?? '')));
  });

describe('the view engine (EJS, compiled once in production)', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-views-'));
    write('partials/head.ejs', '<title><%= title %></title><%- include("badge", { label: who }) %>');
    write('partials/badge.ejs', '<b><%= label %></b>');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders includes relative to the including file, with the page data and the include data, escaped', async () => {
    const page = write('student/page.ejs', '<%- include("../partials/head", { title: "Maths & more" }) %><p><%= who %></p>');
    const html = await renderWith(viewEngine(), page, { cache: true, who: '<Ada>' });
    expect(html).toBe('<title>Maths &amp; more</title><b>&lt;Ada&gt;</b><p>&lt;Ada&gt;</p>');
  });

  it('with the view cache on, reads each template and resolves each include once: later renders touch no file', async () => {
    const page = write('student/page.ejs', '<%- include("../partials/head", { title: "Fractions" }) %>');
    const engine = viewEngine();
    const first = await renderWith(engine, page, { cache: true, who: 'Ada' });
    // EJS's own include checks the disk on every render; with the files gone it would fail here.
    fs.rmSync(path.join(dir, 'partials'), { recursive: true });
    fs.rmSync(page);
    expect(await renderWith(engine, page, { cache: true, who: 'Ada' })).toBe(first);
  });

  it('without the view cache (development), shows an edited template at the next render', async () => {
    const page = write('page.ejs', 'one <%= who %>');
    const engine = viewEngine();
    expect(await renderWith(engine, page, { who: 'Ada' })).toBe('one Ada');
    write('page.ejs', 'two <%= who %>');
    expect(await renderWith(engine, page, { who: 'Ada' })).toBe('two Ada');
  });

  it('fails with the missing include named, as an error for the error handler (nothing rendered)', async () => {
    const page = write('page.ejs', 'before <%- include("partials/nowhere") %>');
    await expect(renderWith(viewEngine(), page, { cache: true })).rejects.toThrow(/partials\/nowhere/);
  });
});
