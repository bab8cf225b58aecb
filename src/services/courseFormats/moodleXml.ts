/**
 * Moodle XML (a Moodle question-bank export, `question/format/xml/format.php`): `<quiz>` holding `<question
 * type="…">` records. Categories (`type="category"`) become objectives (title = last path segment, key = the
 * category's `<idnumber>` when set). Imported: multichoice (single and multiple), truefalse, shortanswer and
 * numerical with tolerance; every other type is reported as skipped with the reason. Read as a stream.
 *
 * @see https://docs.moodle.org/en/Moodle_XML_format
 */
import { ImportRejected } from '../../domain/errors.js';
import { msg } from '../../domain/message.js';
import type { CourseFile } from '../importCourse.js';
import { DraftBuilder, excerpt, textAsMarkdown, type Conversion, type NewItem } from './draft.js';
import { cdata, child, children, esc, localName, streamRecords, textAt, type El } from './xml.js';

const SKIPPED_TYPES: Record<string, string> = {
  matching: 'matching',
  multianswer: 'cloze',
  essay: 'essay',
  ddwtos: 'dragAndDrop',
  ddimageortext: 'dragAndDrop',
  ddmarker: 'dragAndDrop',
  gapselect: 'dragAndDrop',
  description: 'description',
  calculated: 'calculated',
  calculatedsimple: 'calculated',
  calculatedmulti: 'calculated',
  randomsamatch: 'random',
  random: 'random',
  ordering: 'ordering',
};

const text = (el: El | undefined): string => textAsMarkdown(textAt(el, 'text'), el?.attrs.format);
const fraction = (a: El): number => Number(a.attrs.fraction ?? '0');
const LETTERS = 'abcdefghij';

function convertQuestion(q: El, b: DraftBuilder): void {
  const type = q.attrs.type ?? '';
  if (type === 'category') {
    const path = textAt(child(q, 'category'), 'text').trim();
    const info = child(q, 'info');
    b.category(path, { key: textAt(q, 'idnumber').trim(), description: info ? text(info) : '' });
    return;
  }
  const name = textAt(q, 'name', 'text').trim() || excerpt(text(child(q, 'questiontext')));
  const idnumber = textAt(q, 'idnumber').trim();
  const kindName = SKIPPED_TYPES[type];
  if (kindName || !['multichoice', 'truefalse', 'shortanswer', 'numerical'].includes(type)) {
    b.skip(name, msg('interop.skip.unsupported', { type: kindName ? msg(`interop.types.${kindName}`) : type }));
    return;
  }
  const prompt = text(child(q, 'questiontext'));
  const hint = text(child(q, 'hint'));
  const answers = children(q, 'answer');
  const fb = (a: El | undefined) => (a ? text(child(a, 'feedback')) : '');
  const base = { prompt, ...(hint ? { hint } : {}) };
  let item: NewItem | undefined;
  if (type === 'multichoice' || type === 'truefalse') {
    const tf = type === 'truefalse';
    // As Moodle reads it (trans_single): "false", "0" or empty means several answers; no <single> at all means one.
    const singleEl = child(q, 'single');
    const single = tf || !singleEl || !['false', '0', ''].includes(singleEl.text.trim());
    const choices = answers.map((a, i) => {
      const raw = text(a);
      return tf ? { key: raw.toLowerCase() === 'false' ? 'false' : 'true', text: raw.toLowerCase() === 'false' ? 'False' : 'True' } : { key: LETTERS[i] ?? `c${i + 1}`, text: raw };
    });
    const best = Math.max(0, ...answers.map(fraction));
    const correctIdx = answers.map((a, i) => (single ? fraction(a) === best && best > 0 : fraction(a) > 0) ? i : -1).filter((i) => i >= 0);
    if (correctIdx.length === 0) return b.skip(name, msg('interop.skip.noCorrect'));
    if (single && correctIdx.length > 1) return b.skip(name, msg('interop.skip.severalCorrect'));
    const firstWrong = answers.find((a, i) => !correctIdx.includes(i));
    const feedback = {
      correct: (!tf && text(child(q, 'correctfeedback'))) || fb(answers[correctIdx[0] as number]),
      incorrect: (!tf && text(child(q, 'incorrectfeedback'))) || fb(firstWrong),
    };
    const answer = correctIdx.map((i) => choices[i]?.key as string);
    item = single ? { ...base, kind: 'mc_single', choices, answer, feedback } : { ...base, kind: 'mc_multi', choices, answer, feedback };
  } else if (type === 'shortanswer') {
    const right = answers.filter((a) => fraction(a) >= 100);
    const catchAll = answers.find((a) => textAt(a, 'text').trim() === '*' && fraction(a) < 100) ?? answers.find((a) => fraction(a) < 100);
    if (right.length === 0) return b.skip(name, msg('interop.skip.noCorrect'));
    const accepted = right.map((a) => textAt(a, 'text').trim());
    if (accepted.some((a) => a.includes('*'))) return b.skip(name, msg('interop.skip.wildcard'));
    item = {
      ...base,
      kind: 'short',
      answer: { accepted, caseSensitive: textAt(q, 'usecase').trim() === '1' },
      feedback: { correct: fb(right.find((a) => fb(a)) ?? right[0]), incorrect: fb(catchAll) },
    };
  } else {
    const right = answers.find((a) => fraction(a) >= 100 && textAt(a, 'text').trim() !== '*');
    if (!right) return b.skip(name, msg('interop.skip.noCorrect'));
    const value = Number(textAt(right, 'text').trim());
    const tolerance = Math.abs(Number(textAt(right, 'tolerance').trim() || '0'));
    if (!Number.isFinite(value) || !Number.isFinite(tolerance)) return b.skip(name, msg('interop.skip.notANumber'));
    const wrong = answers.find((a) => a !== right && fraction(a) < 100);
    item = { ...base, kind: 'numeric', answer: { value, tolerance }, feedback: { correct: fb(right), incorrect: fb(wrong) } };
  }
  b.add(idnumber || name, item);
}

/** Reads a Moodle XML question bank as a stream; `onProgress` is told the number of questions read so far. */
export async function readMoodleXml(
  source: AsyncIterable<Buffer | string>,
  opts: { title: string; onProgress?: (n: number) => void | Promise<void> },
): Promise<Conversion> {
  const b = new DraftBuilder();
  await streamRecords(source, {
    record: 'question',
    skipText: ['file'],
    onRoot: (name) => {
      if (localName(name) !== 'quiz') throw new ImportRejected('not_moodle_xml', `root element <${name}> is not <quiz>`);
    },
    onRecord: async (q) => {
      convertQuestion(q, b);
      if (b.count % 500 === 0) await opts.onProgress?.(b.count);
    },
  });
  return b.build({ title: opts.title });
}

const t = (s: string) => `<text>${cdata(s)}</text>`;
const block = (tag: string, s: string, indent = '    ') => `${indent}<${tag} format="markdown">\n${indent}  ${t(s)}\n${indent}</${tag}>\n`;

function writeItem(it: CourseFile['items'][number]): string {
  const isTf = it.kind === 'mc_single' && it.choices.length === 2 && it.choices.every((c) => c.key === 'true' || c.key === 'false');
  const type = isTf ? 'truefalse' : it.kind === 'mc_single' || it.kind === 'mc_multi' ? 'multichoice' : it.kind === 'short' || it.kind === 'fraction' ? 'shortanswer' : 'numerical';
  let x = `  <question type="${type}">\n    <name>\n      ${t(excerpt(it.prompt, 60) || it.key)}\n    </name>\n`;
  x += block('questiontext', it.prompt);
  x += block('generalfeedback', '');
  x += `    <defaultgrade>1.0000000</defaultgrade>\n    <penalty>0.3333333</penalty>\n    <hidden>0</hidden>\n    <idnumber>${esc(it.key)}</idnumber>\n`;
  const answer = (fraction: number, body: string, feedback: string, extra = '') =>
    `    <answer fraction="${fraction}" format="markdown">\n      ${t(body)}\n      <feedback format="markdown">\n        ${t(feedback)}\n      </feedback>\n${extra}    </answer>\n`;
  if (it.kind === 'mc_single' || it.kind === 'mc_multi') {
    const right = new Set(it.answer);
    if (isTf) {
      for (const c of it.choices) x += answer(right.has(c.key) ? 100 : 0, c.key, right.has(c.key) ? it.feedback.correct : it.feedback.incorrect);
    } else {
      const share = Math.round((100 / right.size) * 100000) / 100000;
      x += `    <single>${it.kind === 'mc_single'}</single>\n    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>abc</answernumbering>\n    <showstandardinstruction>0</showstandardinstruction>\n`;
      x += block('correctfeedback', it.feedback.correct) + block('partiallycorrectfeedback', '') + block('incorrectfeedback', it.feedback.incorrect);
      x += '    <shownumcorrect/>\n';
      for (const c of it.choices) x += answer(right.has(c.key) ? (it.kind === 'mc_single' ? 100 : share) : it.kind === 'mc_single' ? 0 : -100, c.text, '');
    }
  } else if (it.kind === 'short') {
    x += `    <usecase>${it.answer.caseSensitive ? 1 : 0}</usecase>\n`;
    for (const a of it.answer.accepted) x += answer(100, a, it.feedback.correct);
    x += answer(0, '*', it.feedback.incorrect);
  } else if (it.kind === 'fraction') {
    // Moodle has no fraction type: a short answer "n/d" (lossy: equivalent fractions are not accepted there).
    x += '    <usecase>0</usecase>\n';
    x += answer(100, `${it.answer.numerator}/${it.answer.denominator}`, it.feedback.correct);
    x += answer(0, '*', it.feedback.incorrect);
  } else {
    x += answer(100, String(it.answer.value), it.feedback.correct, `      <tolerance>${it.answer.tolerance}</tolerance>\n`);
    x += answer(0, '*', it.feedback.incorrect, '      <tolerance>0</tolerance>\n');
    x += '    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1000000</unitpenalty>\n    <showunits>3</showunits>\n    <unitsleft>0</unitsleft>\n';
  }
  if (it.hint) x += `    <hint format="markdown">\n      ${t(it.hint)}\n    </hint>\n`;
  return `${x}  </question>\n`;
}

/**
 * A course as a Moodle XML question bank: one category per objective (`$course$/top/<title>`, the objective key as
 * its idnumber, its description as info), then its items (text in Markdown format, the item key as idnumber).
 */
export function writeMoodleXml(file: CourseFile): string {
  let x = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n';
  for (const o of file.objectives) {
    x += `<!-- objective: ${esc(o.key).replace(/--/g, '- -')} -->\n  <question type="category">\n    <category>\n      ${t(`$course$/top/${o.title.replace(/\//g, '//')}`)}\n    </category>\n`;
    x += `    <info format="markdown">\n      ${t(o.description)}\n    </info>\n    <idnumber>${esc(o.key)}</idnumber>\n  </question>\n`;
    for (const it of file.items) if (it.objective === o.key) x += writeItem(it);
  }
  return `${x}</quiz>\n`;
}
