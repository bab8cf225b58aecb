/**
 * `npm run bench -- import`: a generated 5,000-question Moodle XML bank (~20 MB: 50 categories, every importable
 * type plus some skipped ones, HTML text) and a Common Cartridge of the same 5,000 questions, each imported through
 * the upload's code path — a file stream into stageCourseImport (convert, check, stage in the database), then the
 * commit (one transaction) — into a fresh course.
 * Goals per file: < 15 s end to end, RSS growth (peak, sampled every 20 ms) < 150 MB.
 * Settings: BENCH_IMPORT_QUESTIONS (5000), BENCH_DATABASE_URL (PostgreSQL; default a SQLite file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import pg from 'pg';
import { loadConfig } from '../config/schema.js';
import { compose, type Composition } from '../src/compose.js';
import { writeCartridge } from '../src/services/courseFormats/cartridge.js';
import type { CourseFile } from '../src/services/importCourse.js';
import type { BenchFigure, BenchReport } from './run.js';

const WORDS = 'half quarter third whole share equal parts pizza numerator denominator compare order sum difference bar model'.split(' ');
const paragraph = (seed: number, n: number) => Array.from({ length: n }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]).join(' ');
const cdata = (s: string) => `<![CDATA[${s}]]>`;

/** One Moodle XML question (as Moodle 4.x writes it) of ~4 KB. */
function moodleQuestion(i: number): string {
  const text = `<p dir="ltr">Question ${i}: ${paragraph(i, 180)}</p><p>${paragraph(i + 1, 180)}?</p>`;
  const head = (type: string) =>
    `  <question type="${type}">\n    <name><text>Q${i} ${paragraph(i, 4)}</text></name>\n    <questiontext format="html"><text>${cdata(text)}</text></questiontext>\n    <generalfeedback format="html"><text></text></generalfeedback>\n    <defaultgrade>1.0000000</defaultgrade>\n    <penalty>0.3333333</penalty>\n    <hidden>0</hidden>\n    <idnumber>q-${i}</idnumber>\n`;
  const answer = (f: number, t: string, fb: string, extra = '') => `    <answer fraction="${f}" format="html">\n      <text>${cdata(t)}</text>\n      <feedback format="html"><text>${cdata(`<p>${fb}</p>`)}</text></feedback>\n${extra}    </answer>\n`;
  switch (i % 6) {
    case 0:
    case 1:
      return `${head('multichoice')}    <single>${i % 6 === 0}</single>\n    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n    <correctfeedback format="html"><text>${cdata(`<p>${paragraph(i, 20)}</p>`)}</text></correctfeedback>\n    <partiallycorrectfeedback format="html"><text>Partly.</text></partiallycorrectfeedback>\n    <incorrectfeedback format="html"><text>${cdata(`<p>${paragraph(i + 3, 20)}</p>`)}</text></incorrectfeedback>\n    <shownumcorrect/>\n${[0, 1, 2, 3].map((k) => answer(i % 6 === 0 ? (k === 1 ? 100 : 0) : k < 2 ? 50 : -100, `<p>${paragraph(i + k, 6)}</p>`, paragraph(k, 8))).join('')}    <hint format="html"><text>${cdata(`<p>${paragraph(i, 15)}</p>`)}</text></hint>\n  </question>\n`;
    case 2:
      return `${head('truefalse')}${answer(100, 'true', paragraph(i, 10))}${answer(0, 'false', paragraph(i + 1, 10))}  </question>\n`;
    case 3:
      return `${head('shortanswer')}    <usecase>0</usecase>\n${answer(100, 'half', paragraph(i, 10))}${answer(100, 'one half', paragraph(i, 10))}${answer(0, '*', paragraph(i + 2, 10))}  </question>\n`;
    case 4:
      return `${head('numerical')}${answer(100, String(i / 4), paragraph(i, 10), '      <tolerance>0.01</tolerance>\n')}${answer(0, '*', paragraph(i, 10), '      <tolerance>0</tolerance>\n')}    <unitgradingtype>0</unitgradingtype>\n  </question>\n`;
    default:
      return i % 12 === 5
        ? `${head('matching')}    <subquestion format="html"><text>1/2</text><answer><text>0.5</text></answer></subquestion>\n  </question>\n`
        : `${head('essay')}    <responseformat>editor</responseformat>\n  </question>\n`;
  }
}

async function writeMoodleBank(file: string, n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n');
  for (let i = 0; i < n; i++) {
    if (i % 100 === 0) await write(`  <question type="category">\n    <category><text>$course$/top/Bench/Unit ${i / 100 + 1}</text></category>\n    <info format="html"><text></text></info>\n    <idnumber>unit-${i / 100 + 1}</idnumber>\n  </question>\n`);
    await write(moodleQuestion(i));
  }
  await write('</quiz>\n');
  await new Promise<void>((r) => out.end(r));
}

function cartridgeCourse(n: number): CourseFile {
  const objectives = Array.from({ length: Math.ceil(n / 100) }, (_, u) => ({ key: `unit-${u + 1}`, title: `Unit ${u + 1}`, description: paragraph(u, 20), prerequisites: u ? [`unit-${u}`] : [] }));
  const items = Array.from({ length: n }, (_, i): CourseFile['items'][number] => {
    const base = { key: `q-${i}`, objective: `unit-${Math.floor(i / 100) + 1}`, prompt: `Question ${i}: ${paragraph(i, 360)}?`, feedback: { correct: paragraph(i, 20), incorrect: paragraph(i + 3, 20) }, hint: paragraph(i, 15) };
    const choices = [0, 1, 2, 3].map((k) => ({ key: 'abcd'[k] as string, text: paragraph(i + k, 6) }));
    switch (i % 4) {
      case 0:
        return { ...base, kind: 'mc_single', choices, answer: ['b'] };
      case 1:
        return { ...base, kind: 'mc_multi', choices, answer: ['a', 'b'] };
      case 2:
        return { ...base, kind: 'numeric', answer: { value: i / 4, tolerance: 0.01 } };
      default:
        return { ...base, kind: 'short', answer: { accepted: ['half', 'one half'], caseSensitive: false } };
    }
  });
  return { format: 'masterly-course/1', course: { title: 'Bench', description: '' }, objectives, items, content: objectives.map((o) => ({ key: `${o.key}-lesson`, objective: o.key, kind: 'lesson' as const, title: o.title, body: paragraph(1, 200) })) };
}

const mb = (b: number) => b / 1024 / 1024;

async function importOnce(c: Composition, contextId: string, file: string, label: string): Promise<{ figures: BenchFigure[]; note: string }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const id = await c.courseImport.stageCourseImport({ contextId, filename: path.basename(file), source: fs.createReadStream(file) });
  const staged = performance.now();
  const summary = await (await c.courseImport.startCourseImport({ contextId, id, mode: 'replace' })).done;
  const done = performance.now();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const report = (await c.courseImport.getCourseImport({ contextId, id })).report;
  const total = (done - t0) / 1000;
  return {
    figures: [
      { name: `${label}: file size`, value: mb(fs.statSync(file).size), unit: 'MB' },
      { name: `${label}: read, convert, check, stage`, value: (staged - t0) / 1000, unit: 's' },
      { name: `${label}: commit (one transaction)`, value: (done - staged) / 1000, unit: 's' },
      { name: `${label}: upload to course`, value: total, unit: 's', goal: { op: '<', value: 15 } },
      { name: `${label}: share of the time goal`, value: total / 15, unit: '× goal', goal: { op: '<', value: 1 } },
      { name: `${label}: RSS growth (peak)`, value: mb(peak - before), unit: 'MB', goal: { op: '<', value: 150 } },
      { name: `${label}: share of the memory goal`, value: mb(peak - before) / 150, unit: '× goal', goal: { op: '<', value: 1 } },
      { name: `${label}: questions per second`, value: report.length / total, unit: 'q/s' },
    ],
    note: `${label}: ${report.filter((r) => r.status === 'imported').length} imported, ${report.filter((r) => r.status === 'skipped').length} skipped; ${summary.objectives.created} objectives, ${summary.items.created} items created`,
  };
}

export async function run(): Promise<BenchReport> {
  const n = Number(process.env.BENCH_IMPORT_QUESTIONS ?? 5000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-bench-import-'));
  const pgUrl = process.env.BENCH_DATABASE_URL;
  const pgSchema = pgUrl ? `bench_${randomBytes(5).toString('hex')}` : undefined;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dir, DATABASE_URL: pgUrl ?? `sqlite:${path.join(dir, 'bench.db')}` });
  const xml = path.join(dir, 'bank.xml');
  const cc = path.join(dir, 'bank.imscc');
  await writeMoodleBank(xml, n);
  fs.writeFileSync(cc, writeCartridge(cartridgeCourse(n)));
  const c = await compose(config, pino({ level: 'silent' }), 'cli', pgSchema ? { pgSchema } : {});
  try {
    const contexts: string[] = [];
    for (const title of ['Moodle bank', 'Cartridge']) {
      const platformId = randomUUID();
      await c.db.kysely.insertInto('platforms').values({ id: platformId, issuer: `https://bench.example/${platformId}`, client_id: 'c', auth_url: 'https://bench.example/a', token_url: 'https://bench.example/t', jwks_url: 'https://bench.example/j', name: 'Bench', created_at: 1 }).execute();
      const id = randomUUID();
      await c.db.kysely.insertInto('contexts').values({ id, platform_id: platformId, context_id: id, label: null, title, ags_json: null, nrps_json: null, updated_at: 1 }).execute();
      contexts.push(id);
    }
    const moodle = await importOnce(c, contexts[0] as string, xml, 'Moodle XML');
    const cartridge = await importOnce(c, contexts[1] as string, cc, 'Common Cartridge');
    return {
      title: `Import: ${n} questions, Moodle XML and Common Cartridge, through the upload path (${c.db.dialect})`,
      figures: [...moodle.figures, ...cartridge.figures],
      notes: [moodle.note, cartridge.note, 'RSS is the whole bench process (generator output is written to disk first); run with node --expose-gc for a steadier baseline.'],
    };
  } finally {
    await c.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (pgUrl && pgSchema) {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`).finally(() => client.end());
    }
  }
}
