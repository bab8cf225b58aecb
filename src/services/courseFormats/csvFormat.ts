/**
 * The CSV layout (one question per row, a header row naming the columns, any order; RFC 4180 quoting):
 *
 * | column | meaning |
 * |---|---|
 * | `objective` | objective key (optional: made from the title) |
 * | `objective_title` | objective title (the grouping; required when `objective` is empty) |
 * | `key` | question key (optional) |
 * | `kind` | `single`, `multiple`, `numeric` or `short` |
 * | `prompt` | question text (Markdown) |
 * | `option1` … `option10` | choices (single/multiple) or accepted answers (short) |
 * | `answer` | single/multiple: the numbers of the right options (`2`, `1 3`); numeric: the value |
 * | `tolerance` | numeric: ± tolerance (default 0) |
 * | `case_sensitive` | short: `yes` when case matters |
 * | `feedback_correct`, `feedback_incorrect`, `hint` | texts (Markdown) |
 */
import { ImportRejected } from '../../domain/errors.js';
import { msg } from '../../domain/message.js';
import { CsvError, parseCsv, toCsv } from '../../cli/csv.js';
import type { CourseFile } from '../importCourse.js';
import { DraftBuilder, excerpt, type Conversion, type NewItem } from './draft.js';

const OPTIONS = Array.from({ length: 10 }, (_, i) => `option${i + 1}`);
/** The CSV header Masterly writes. */
export const CSV_COLUMNS = ['objective', 'objective_title', 'key', 'kind', 'prompt', ...OPTIONS, 'answer', 'tolerance', 'case_sensitive', 'feedback_correct', 'feedback_incorrect', 'hint'] as const;
const KINDS: Record<string, 'mc_single' | 'mc_multi' | 'numeric' | 'short'> = {
  single: 'mc_single',
  mc_single: 'mc_single',
  multiple: 'mc_multi',
  mc_multi: 'mc_multi',
  numeric: 'numeric',
  number: 'numeric',
  short: 'short',
};
const LETTERS = 'abcdefghij';

/** Reads the CSV layout above. */
export function readCsvCourse(text: string, opts: { title: string }): Conversion {
  let records;
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvError) throw new ImportRejected('csv_malformed', e.message, { details: { line: e.line, detail: e.reason } });
    throw e;
  }
  const [header, ...rows] = records;
  const cols = new Map((header?.fields ?? []).map((h, i) => [h.trim().toLowerCase(), i]));
  const missing = ['kind', 'prompt'].filter((c) => !cols.has(c));
  if (!cols.has('objective') && !cols.has('objective_title')) missing.push('objective_title');
  if (missing.length) throw new ImportRejected('csv_malformed', `missing columns: ${missing.join(', ')}`, { details: { line: 1, detail: `the header row needs the columns ${missing.join(', ')}` } });
  const b = new DraftBuilder();
  for (const r of rows) {
    const get = (c: string) => (cols.has(c) ? (r.fields[cols.get(c) as number] ?? '').trim() : '');
    const name = get('key') || excerpt(get('prompt'));
    const objTitle = get('objective_title') || get('objective');
    b.category(`csv/${get('objective')}/${objTitle}`, { key: get('objective'), title: objTitle });
    const kind = KINDS[get('kind').toLowerCase()];
    if (!kind) {
      b.skip(name, msg('interop.skip.unknownKind', { kind: get('kind'), line: r.line }));
      continue;
    }
    const options = OPTIONS.map(get).filter(Boolean);
    const feedback = { correct: get('feedback_correct'), incorrect: get('feedback_incorrect') };
    const base = { prompt: get('prompt'), feedback, ...(get('hint') ? { hint: get('hint') } : {}) };
    let item: NewItem;
    if (kind === 'mc_single' || kind === 'mc_multi') {
      const choices = options.map((text, i) => ({ key: LETTERS[i] as string, text }));
      const picks = get('answer').split(/[\s,;]+/).filter(Boolean).map(Number);
      if (picks.length === 0 || picks.some((p) => !Number.isInteger(p) || p < 1 || p > choices.length)) {
        b.skip(name, msg('interop.skip.badAnswer', { line: r.line }));
        continue;
      }
      item = { ...base, kind, choices, answer: picks.map((p) => LETTERS[p - 1] as string) };
    } else if (kind === 'numeric') {
      const value = Number(get('answer').replace(',', '.'));
      const tolerance = Number((get('tolerance') || '0').replace(',', '.'));
      if (!get('answer') || !Number.isFinite(value) || !Number.isFinite(tolerance)) {
        b.skip(name, msg('interop.skip.notANumber'));
        continue;
      }
      item = { ...base, kind, answer: { value, tolerance: Math.abs(tolerance) } };
    } else {
      item = { ...base, kind, answer: { accepted: options, caseSensitive: /^(yes|true|1|y)$/i.test(get('case_sensitive')) } };
    }
    b.add(get('key'), item);
  }
  return b.build({ title: opts.title });
}

/** A course in the CSV layout above (objectives in course order, their items after each other). */
export function writeCsvCourse(file: CourseFile): string {
  const rows: string[][] = [];
  for (const o of file.objectives)
    for (const it of file.items) {
      if (it.objective !== o.key) continue;
      // CSV has no fraction kind: a fraction travels as a short answer "n/d" (the native format keeps it exactly).
      const opts: string[] =
        it.kind === 'mc_single' || it.kind === 'mc_multi'
          ? it.choices.map((c) => c.text)
          : it.kind === 'short'
            ? it.answer.accepted
            : it.kind === 'fraction'
              ? [`${it.answer.numerator}/${it.answer.denominator}`]
              : [];
      const answer =
        it.kind === 'mc_single' || it.kind === 'mc_multi'
          ? it.answer.map((a) => it.choices.findIndex((c) => c.key === a) + 1).join(' ')
          : it.kind === 'numeric'
            ? String(it.answer.value)
            : '';
      rows.push([
        o.key,
        o.title,
        it.key,
        ({ mc_single: 'single', mc_multi: 'multiple', numeric: 'numeric', short: 'short', fraction: 'short' } as const)[it.kind],
        it.prompt,
        ...OPTIONS.map((_, i) => opts[i] ?? ''),
        answer,
        it.kind === 'numeric' ? String(it.answer.tolerance) : '',
        it.kind === 'short' && it.answer.caseSensitive ? 'yes' : '',
        it.feedback.correct,
        it.feedback.incorrect,
        it.hint ?? '',
      ]);
    }
  return toCsv(CSV_COLUMNS, rows);
}
