/**
 * GIFT (Moodle's plain-text question format), parsed by gift-pegjs: it reads `$CATEGORY:` (→ objectives), `::name::`,
 * `[markdown]`/`[html]` formats, per-answer and general feedback, weights (`~%50%`), numeric tolerance
 * (`{#=3.5:0.1}`, ranges) and escapes. Imported: multiple choice (single and multiple), true/false, short answer,
 * numeric; matching, essay and description are skipped with the reason. True/false feedback follows Moodle: the
 * first `#` is shown for a wrong answer, the second for a right one. Numeric and short-answer items keep their
 * "incorrect" feedback as the general feedback (`####…`), which GIFT shows after any answer.
 *
 * @see https://docs.moodle.org/en/GIFT_format
 */
import { parse, type GIFTQuestion, type TextFormat } from 'gift-pegjs';
import { ImportRejected } from '../../domain/errors.js';
import { msg } from '../../domain/message.js';
import type { CourseFile } from '../importCourse.js';
import { DraftBuilder, excerpt, textAsMarkdown, type Conversion, type NewItem } from './draft.js';

const md = (t: TextFormat | null | undefined): string => (t ? textAsMarkdown(t.text, t.format === 'moodle' && !/[<&]/.test(t.text) ? 'plain' : t.format) : '');
const LETTERS = 'abcdefghij';

function convert(q: GIFTQuestion, b: DraftBuilder): void {
  if (q.type === 'Category') {
    b.category(q.title);
    return;
  }
  const prompt = md(q.stem);
  const name = q.title?.trim() || excerpt(prompt);
  if (q.type === 'Description' || q.type === 'Essay' || q.type === 'Matching') {
    b.skip(name, msg('interop.skip.unsupported', { type: msg(`interop.types.${q.type === 'Matching' ? 'matching' : q.type === 'Essay' ? 'essay' : 'description'}`) }));
    return;
  }
  const general = md(q.globalFeedback);
  let item: NewItem;
  if (q.type === 'TF') {
    item = {
      prompt,
      kind: 'mc_single',
      choices: [
        { key: 'true', text: 'True' },
        { key: 'false', text: 'False' },
      ],
      answer: [q.isTrue ? 'true' : 'false'],
      feedback: { correct: md(q.falseFeedback), incorrect: md(q.trueFeedback) },
    };
  } else if (q.type === 'MC') {
    const right = q.choices.map((c) => c.isCorrect || (c.weight ?? 0) > 0);
    const multi = right.filter(Boolean).length > 1 || q.choices.some((c) => (c.weight ?? 0) > 0 && (c.weight ?? 0) < 100);
    if (!right.some(Boolean)) return b.skip(name, msg('interop.skip.noCorrect'));
    const choices = q.choices.map((c, i) => ({ key: LETTERS[i] ?? `c${i + 1}`, text: md(c.text) }));
    const answer = choices.filter((_, i) => right[i]).map((c) => c.key);
    const feedback = {
      correct: md(q.choices.find((_, i) => right[i])?.feedback) || general,
      incorrect: md(q.choices.find((_, i) => !right[i])?.feedback) || general,
    };
    item = multi ? { prompt, kind: 'mc_multi', choices, answer, feedback } : { prompt, kind: 'mc_single', choices, answer, feedback };
  } else if (q.type === 'Short') {
    const right = q.choices.filter((c) => c.isCorrect || (c.weight ?? 0) >= 100);
    if (right.length === 0) return b.skip(name, msg('interop.skip.noCorrect'));
    item = { prompt, kind: 'short', answer: { accepted: right.map((c) => c.text.text.trim()), caseSensitive: false }, feedback: { correct: md(right.find((c) => c.feedback?.text)?.feedback), incorrect: general } };
  } else {
    const choices = Array.isArray(q.choices) ? q.choices : [{ isCorrect: true, weight: null, text: q.choices, feedback: null }];
    const right = choices.find((c) => c.isCorrect || (c.weight ?? 0) >= 100);
    if (!right) return b.skip(name, msg('interop.skip.noCorrect'));
    const n = right.text;
    const [value, tolerance] =
      n.type === 'high-low' && n.numberHigh !== undefined && n.numberLow !== undefined ? [(n.numberHigh + n.numberLow) / 2, Math.abs(n.numberHigh - n.numberLow) / 2] : [n.number ?? NaN, Math.abs(n.range ?? 0)];
    if (!Number.isFinite(value)) return b.skip(name, msg('interop.skip.notANumber'));
    item = { prompt, kind: 'numeric', answer: { value, tolerance }, feedback: { correct: md(right.feedback), incorrect: general } };
  }
  b.add(name, item);
}

/** Reads GIFT text (parsed whole: GIFT files are small, and uploads are capped). */
export function readGift(text: string, opts: { title: string }): Conversion {
  let questions: GIFTQuestion[];
  try {
    questions = parse(text.replace(/\r\n?/g, '\n'));
  } catch (e) {
    const err = e as { location?: { start?: { line?: number } }; message?: string };
    const line = err.location?.start?.line ?? 0;
    throw new ImportRejected('gift_malformed', `GIFT syntax error at line ${line}`, { details: { line, detail: excerpt(err.message ?? 'syntax error', 160) } });
  }
  const b = new DraftBuilder();
  for (const q of questions) convert(q, b);
  return b.build({ title: opts.title });
}

/** GIFT's special characters escaped; line breaks as `\n` (a blank line would end the question). */
const g = (s: string): string => s.replace(/[\\~=#{}:]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');

function writeItem(it: CourseFile['items'][number]): string {
  const head = `::${g(it.key)}::[markdown]${g(it.prompt)} {`;
  const fb = (s: string) => (s ? `#${g(s)}` : '');
  if (it.kind === 'mc_single' || it.kind === 'mc_multi') {
    const right = new Set(it.answer);
    const isTf = it.kind === 'mc_single' && it.choices.length === 2 && it.choices.every((c) => c.key === 'true' || c.key === 'false');
    if (isTf) return `${head}${right.has('true') ? 'TRUE' : 'FALSE'}#${g(it.feedback.incorrect)}#${g(it.feedback.correct)}}`;
    const share = Math.round((100 / right.size) * 100000) / 100000;
    const lines = it.choices.map((c) =>
      it.kind === 'mc_single'
        ? `\t${right.has(c.key) ? '=' : '~'}${g(c.text)}${fb(right.has(c.key) ? it.feedback.correct : it.feedback.incorrect)}`
        : `\t~%${right.has(c.key) ? share : -100}%${g(c.text)}${fb(right.has(c.key) ? it.feedback.correct : it.feedback.incorrect)}`,
    );
    return `${head}\n${lines.join('\n')}\n}`;
  }
  const general = it.feedback.incorrect ? `\n\t####${g(it.feedback.incorrect)}` : '';
  if (it.kind === 'short') return `${head}\n${it.answer.accepted.map((a) => `\t=${g(a)}${fb(it.feedback.correct)}`).join('\n')}${general}\n}`;
  // GIFT has no fraction type: a fraction travels as a short answer "n/d" (lossy: equivalent fractions are not accepted).
  if (it.kind === 'fraction') return `${head}\n\t=${g(`${it.answer.numerator}/${it.answer.denominator}`)}${fb(it.feedback.correct)}${general}\n}`;
  return `${head}#\n\t=${it.answer.value}:${it.answer.tolerance}${fb(it.feedback.correct)}${general}\n}`;
}

/** A course as GIFT: `$CATEGORY: $course$/top/<objective title>` before each objective's items, text as Markdown. */
export function writeGift(file: CourseFile): string {
  const out: string[] = [`// ${file.course.title.replace(/\n/g, ' ')} — exported from Masterly`];
  for (const o of file.objectives) {
    out.push(`$CATEGORY: $course$/top/${o.title.replace(/\//g, '//').replace(/\n/g, ' ')}`);
    for (const it of file.items) if (it.objective === o.key) out.push(writeItem(it));
  }
  return `${out.join('\n\n')}\n`;
}
