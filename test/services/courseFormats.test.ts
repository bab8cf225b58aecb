import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertCourseFile, FORMATS, writeCourseFile, type CourseFormat } from '../../src/services/courseFormats/index.js';
import { htmlToMarkdown } from '../../src/services/courseFormats/draft.js';
import { zipFiles, ZIP_LIMITS } from '../../src/services/courseFormats/cartridge.js';
import { planCourseImport, type CourseFile } from '../../src/services/importCourse.js';
import { aRichCourse } from '../factories.interop.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/interop');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name));
const streamOf = async function* (buf: Buffer | string, chunk = 7) {
  // Small chunks: elements, CDATA and multi-byte characters are split across writes, as a network upload splits them.
  const b = typeof buf === 'string' ? Buffer.from(buf) : buf;
  for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
};
const convert = (format: CourseFormat, data: Buffer | string) => convertCourseFile(format, streamOf(data), { title: 'Upload' });

/** What must survive a round trip in every format: grouping by objective title, items, answers and feedback. */
function essence(f: CourseFile) {
  const titleOf = new Map(f.objectives.map((o) => [o.key, o.title]));
  return f.objectives.map((o) => ({
    objective: o.title,
    items: f.items
      .filter((it) => it.objective === o.key)
      .map((it) => {
        const common = { kind: it.kind, prompt: it.prompt, feedback: it.feedback, objective: titleOf.get(it.objective) };
        if (it.kind === 'mc_single' || it.kind === 'mc_multi')
          return { ...common, choices: it.choices.map((c) => c.text), right: it.answer.map((a) => it.choices.find((c) => c.key === a)?.text).sort() };
        if (it.kind === 'numeric') return { ...common, value: it.answer.value, tolerance: it.answer.tolerance };
        if (it.kind === 'fraction') return { ...common, fraction: `${it.answer.numerator}/${it.answer.denominator}` };
        return { ...common, accepted: [...it.answer.accepted].sort() };
      }),
  }));
}

describe('Moodle XML (a question-bank export)', () => {
  it('imports multichoice (single, multiple), truefalse, shortanswer and numerical; categories become objectives', async () => {
    const { file, report } = await convert('moodle', fixture('moodle-fractions.xml'));
    expect(file.objectives.map((o) => [o.key, o.title])).toEqual([
      ['halves', 'Halves and quarters'],
      ['fractions-of-amounts', 'Fractions of amounts'],
    ]);
    expect(file.objectives[0]?.description).toBe('Finding **halves** and quarters of shapes and numbers.');
    const byName = new Map(file.items.map((i) => [i.key, i]));
    const half = byName.get('half-of-eight');
    expect(half).toMatchObject({ kind: 'mc_single', objective: 'halves', answer: ['b'], hint: 'Draw 8 dots and circle them in two groups.' });
    expect(half?.prompt).toBe('What is **half** of 8?');
    expect(half?.feedback).toEqual({ correct: 'Yes: 8 shared into 2 equal groups is 4 each.', incorrect: 'Share 8 into *2* equal groups.' });
    expect(byName.get('which-halves')).toMatchObject({ kind: 'mc_multi', answer: ['a', 'b'] });
    expect(byName.get('quarter-is-smaller')).toMatchObject({ kind: 'mc_single', answer: ['true'], feedback: { correct: 'Right: more pieces means smaller pieces.', incorrect: 'Cut a pizza into 4 and into 2 and compare.' } });
    expect(byName.get('name-the-fraction')).toMatchObject({ kind: 'short', objective: 'fractions-of-amounts', answer: { accepted: ['half', 'a half'], caseSensitive: false }, feedback: { correct: 'Well done.', incorrect: 'Two equal parts: each is a half.' } });
    expect(byName.get('quarter-20')).toMatchObject({ kind: 'numeric', answer: { value: 5, tolerance: 0.1 }, feedback: { correct: 'Yes, 20 ÷ 4 = 5.', incorrect: 'Divide 20 by 4.' } });
    expect(byName.get('quarter-20')?.prompt).toBe('What is ¼ of 20 kg? Give the number of kilograms.');
    const skipped = report.filter((r) => r.status === 'skipped').map((r) => [r.name, r.reason]);
    expect(skipped).toEqual([
      ['Match fractions', { key: 'interop.skip.unsupported', vars: { type: { key: 'interop.types.matching' } } }],
      ['Cloze halves', { key: 'interop.skip.unsupported', vars: { type: { key: 'interop.types.cloze' } } }],
      ['Explain halves', { key: 'interop.skip.unsupported', vars: { type: { key: 'interop.types.essay' } } }],
      ['Drag the fraction', { key: 'interop.skip.unsupported', vars: { type: { key: 'interop.types.dragAndDrop' } } }],
    ]);
    expect(() => planCourseImport('ctx', file)).not.toThrow();
  });

  it('sanitises HTML: scripts, event handlers and images never reach a prompt', async () => {
    const { file } = await convert('moodle', fixture('moodle-fractions.xml'));
    const prompt = file.items.find((i) => i.key === 'which-halves')?.prompt ?? '';
    expect(prompt).toBe('Which of these are equal to one half? Choose all that apply.\n\nCareful!');
    expect(JSON.stringify(file)).not.toMatch(/<script|alert|onclick|steal|<img|PLUGINFILE|iVBOR/);
    expect(htmlToMarkdown('<p>a<style>p{}</style><iframe src="x"></iframe><a href="javascript:x()">b</a></p>')).toBe('ab');
  });

  const hostile: [string, string, string][] = [
    ['an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><quiz><question type="shortanswer"><name><text>&xxe;</text></name></question></quiz>', 'xml_doctype'],
    ['billion laughs', `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><quiz><question type="category"><category><text>&lol9;</text></category></question></quiz>`, 'xml_doctype'],
    ['an undeclared entity', '<quiz><question type="category"><category><text>&lol9;</text></category></question></quiz>', 'xml_malformed'],
    ['a truncated file', '<?xml version="1.0"?><quiz><question type="multichoice"><name><text>Half', 'xml_malformed'],
    ['mismatched tags', '<quiz><question type="truefalse"></quiz>', 'xml_malformed'],
    ['another XML document', '<?xml version="1.0"?><html><body>hi</body></html>', 'not_moodle_xml'],
    ['an empty file', '', 'xml_malformed'],
    ['a bank without importable questions', '<quiz><question type="essay"><name><text>E</text></name><questiontext format="html"><text>Why?</text></questiontext></question></quiz>', ''],
  ];
  it.each(hostile)('refuses %s with a reasoned error', async (_title, xml, reason) => {
    if (!reason) {
      const { report } = await convert('moodle', xml);
      expect(report.every((r) => r.status === 'skipped')).toBe(true);
      return;
    }
    await expect(convert('moodle', xml)).rejects.toMatchObject({ code: 'ERR_IMPORT_REJECTED', reason });
  });
});

describe('GIFT (gift-pegjs)', () => {
  it('imports $CATEGORY as objectives, weights, true/false, numeric tolerance and feedback; skips matching and essay', async () => {
    const { file, report } = await convert('gift', fixture('fractions.gift'));
    expect(file.objectives.map((o) => o.title)).toEqual(['Halves and quarters', 'Fractions of amounts']);
    const k = new Map(file.items.map((i) => [i.key, i]));
    expect(k.get('half-of-eight')).toMatchObject({ kind: 'mc_single', prompt: 'What is **half** of 8?', answer: ['b'], feedback: { correct: 'Yes: 8 shared into 2 equal groups is 4 each.', incorrect: 'That is a quarter.' } });
    expect(k.get('which-are-halves')).toMatchObject({ kind: 'mc_multi', answer: ['a', 'b'], feedback: { incorrect: '2/3 is more than a half.' } });
    expect(k.get('quarter-is-smaller')).toMatchObject({ answer: ['true'], feedback: { correct: 'Right: more pieces means smaller pieces.', incorrect: 'Cut a pizza into 4 and into 2 and compare.' } });
    expect(k.get('name-the-fraction')).toMatchObject({ kind: 'short', answer: { accepted: ['half', 'a half'] }, feedback: { correct: 'Well done.', incorrect: 'Two equal parts: each is a half.' } });
    expect(k.get('quarter-of-20')).toMatchObject({ kind: 'numeric', answer: { value: 5, tolerance: 0.1 }, feedback: { correct: 'Yes, 20 ÷ 4 = 5.', incorrect: 'Divide 20 by 4.' } });
    expect(report.filter((r) => r.status === 'skipped').map((r) => r.reason?.vars?.type)).toEqual([{ key: 'interop.types.matching' }, { key: 'interop.types.essay' }]);
  });

  it('refuses a syntax error naming the line', async () => {
    await expect(convert('gift', '::a:: ok {=1 ~2}\n\n::b:: broken {=1 ~2')).rejects.toMatchObject({ code: 'ERR_IMPORT_REJECTED', reason: 'gift_malformed', details: { line: 3 } });
  });
});

describe('CSV (documented columns)', () => {
  it('imports each kind by row, groups by objective, reports bad rows', async () => {
    const { file, report } = await convert('csv', fixture('fractions.csv'));
    expect(file.objectives.map((o) => [o.key, o.title])).toEqual([
      ['halves', 'Halves and quarters'],
      ['amounts', 'Fractions of amounts'],
    ]);
    expect(file.items.map((i) => [i.key, i.kind])).toEqual([
      ['half-of-8', 'mc_single'],
      ['which-halves', 'mc_multi'],
      ['name-fraction', 'short'],
      ['quarter-20', 'numeric'],
    ]);
    expect(file.items[0]).toMatchObject({ answer: ['b'], hint: 'Draw 8 dots.' });
    expect(file.items[1]).toMatchObject({ answer: ['a', 'b'], feedback: { incorrect: '2/3 is more than a half, so it is not one.' } });
    expect(report.at(-1)).toMatchObject({ status: 'skipped', reason: { key: 'interop.skip.unknownKind', vars: { kind: 'matching', line: 6 } } });
  });

  it('refuses a broken file with the line, and a file without the needed columns', async () => {
    await expect(convert('csv', 'objective_title,kind,prompt\nA,single,"never closed\n')).rejects.toMatchObject({ reason: 'csv_malformed', details: { line: 2 } });
    await expect(convert('csv', 'name,text\nA,b\n')).rejects.toMatchObject({ reason: 'csv_malformed' });
  });
});

describe('native JSON', () => {
  it('refuses text that is not JSON', async () => {
    await expect(convert('native', '{"format": ')).rejects.toMatchObject({ reason: 'json_malformed' });
  });
});

describe('round trips: export → import keeps items, answers, feedback and objective grouping', () => {
  it.each(FORMATS)('%s', async (format) => {
    const course = aRichCourse();
    const exported = await writeCourseFile(format, course);
    const { file, report } = await convert(format, exported.body);
    expect(report.filter((r) => r.status === 'skipped')).toEqual([]);
    expect(essence(file)).toEqual(essence(course));
    expect(() => planCourseImport('ctx', file)).not.toThrow();
    if (format !== 'gift') expect(file.items.map((i) => i.hint ?? null)).toEqual(course.items.map((i) => i.hint ?? null));
    if (format === 'native' || format === 'cartridge') expect(file).toEqual(course); // prerequisites, pages, settings too
    if (format === 'moodle' || format === 'csv') expect(file.items.map((i) => i.key)).toEqual(course.items.map((i) => i.key));
    if (format === 'moodle') expect(file.objectives.map((o) => [o.key, o.description])).toEqual(course.objectives.map((o) => [o.key, o.description]));
  });
});

/** The fixture cartridge (a QTI 2.1 package as another LMS exports it), zipped as it would be downloaded. */
const fixtureCartridge = (): Buffer => {
  const root = path.join(FIXTURES, 'cartridge');
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  return zipFiles(walk(root).map((f) => ({ name: path.relative(root, f).split(path.sep).join('/'), data: fs.readFileSync(f) })));
};

describe('Common Cartridge / QTI 2.1 (zip)', () => {
  it('imports choice, numeric (tolerance) and text-entry items grouped by the organisation; skips matching', async () => {
    const { file, report } = await convert('cartridge', fixtureCartridge());
    expect(file.objectives.map((o) => o.title)).toEqual(['Halves and quarters', 'Fractions of amounts']);
    const k = new Map(file.items.map((i) => [i.key, i]));
    expect(k.get('half-8')).toMatchObject({ kind: 'mc_single', prompt: 'What is **half** of 8?', answer: ['choice_b'], feedback: { correct: 'Yes: 8 shared into 2 equal groups is 4 each.', incorrect: 'Share 8 into *2* equal groups.' } });
    expect(k.get('which-halves')).toMatchObject({ kind: 'mc_multi', prompt: 'Which of these are equal to one half?', answer: ['A', 'B'] });
    expect(k.get('quarter-20')).toMatchObject({ kind: 'numeric', prompt: 'What is a quarter of 20?', answer: { value: 5, tolerance: 0.1 } });
    expect(k.get('name-fraction')).toMatchObject({ kind: 'short', answer: { accepted: ['half', 'a half'], caseSensitive: false }, objective: file.objectives[1]?.key });
    expect(report.filter((r) => r.status === 'skipped')).toMatchObject([{ name: 'Match fractions', reason: { key: 'interop.skip.unsupported', vars: { type: { key: 'interop.types.matching' } } } }]);
    expect(JSON.stringify(file)).not.toMatch(/alert|<script|pizza\.png/);
  });

  const manifest = Buffer.from('<manifest><resources/></manifest>');
  const hostileZips: [string, () => Buffer, string][] = [
    ['a zip bomb (one entry compressed far beyond real files)', () => zipFiles([{ name: 'imsmanifest.xml', data: manifest }, { name: 'items/bomb.xml', data: Buffer.alloc(64 * 1024 * 1024) }]), 'zip_ratio'],
    ['a path escaping the archive', () => zipFiles([{ name: 'imsmanifest.xml', data: manifest }, { name: '../../etc/cron.d/evil', data: Buffer.from('x') }]), 'zip_path'],
    ['an absolute path', () => zipFiles([{ name: '/etc/passwd', data: Buffer.from('x') }]), 'zip_path'],
    ['too many entries', () => zipFiles(Array.from({ length: ZIP_LIMITS.entries + 1 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(0), store: true }))), 'zip_too_many_entries'],
    ['a file that is not a zip', () => Buffer.from('<quiz></quiz>'), 'zip_malformed'],
    ['an archive without a manifest', () => zipFiles([{ name: 'readme.txt', data: Buffer.from('hi') }]), 'cartridge_invalid'],
    ['a manifest with a DOCTYPE', () => zipFiles([{ name: 'imsmanifest.xml', data: Buffer.from('<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><manifest>&x;</manifest>') }]), 'xml_doctype'],
  ];
  it.each(hostileZips)('refuses %s', async (_t, zip, reason) => {
    await expect(convertCourseFile('cartridge', streamOf(zip(), 64 * 1024), { title: 'x' })).rejects.toMatchObject({ code: 'ERR_IMPORT_REJECTED', reason });
  }, 30_000);
});
