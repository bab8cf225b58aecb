/**
 * Responses in the pyBKT layout (`user_id, skill_name, correct, order_id`, optional `problem_id` and `timestamp`),
 * the format `npm run model` reads and the instructor export writes, and the parameters file it writes.
 */
import { z } from 'zod';
import { CsvError, parseCsv, writePyBktCsv } from './csv.js';
import type { BktParams } from '../domain/bkt.js';

/** One response row. */
export interface ResponseRow {
  readonly userId: string;
  readonly skillName: string;
  readonly correct: boolean;
  /** As written (kept for the output files). */
  readonly orderId: string;
  readonly problemId: string | null;
  /** Epoch ms, or null when the file has no timestamp. */
  readonly at: number | null;
  /** The line of the row in the file. */
  readonly line: number;
}

const REQUIRED = ['user_id', 'skill_name', 'correct', 'order_id'] as const;
const CORRECT: Record<string, boolean> = { '1': true, '0': false, true: true, false: false, '1.0': true, '0.0': false };

/** A timestamp as epoch ms: a number (seconds below 1e11, else milliseconds) or an ISO 8601 date. */
function parseTime(v: string): number | null {
  if (/^-?\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return Math.round(Math.abs(n) < 1e11 ? n * 1000 : n);
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/**
 * Reads responses and returns them in replay order: by `order_id` (numerically when every order id is a number),
 * ties in file order. Throws {@link CsvError} naming the line and column of a malformed row.
 */
export function readResponses(text: string): ResponseRow[] {
  const records = parseCsv(text);
  const header = records[0];
  if (!header) throw new CsvError(1, 1, `the file is empty; expected a header with ${REQUIRED.join(', ')}`);
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const col = (name: string) => names.indexOf(name);
  for (const r of REQUIRED) {
    if (col(r) < 0) throw new CsvError(header.line, 1, `missing column "${r}" (the header must name ${REQUIRED.join(', ')}; problem_id and timestamp are optional)`);
  }
  const [iu, is, ic, io, ip, it] = [col('user_id'), col('skill_name'), col('correct'), col('order_id'), col('problem_id'), col('timestamp')];
  const rows: ResponseRow[] = [];
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== names.length) {
      throw new CsvError(rec.line, 1, `${rec.fields.length} fields where the header has ${names.length}`);
    }
    const f = (i: number) => (rec.fields[i] as string).trim();
    const at = (i: number) => rec.fields.slice(0, i).reduce((n, x) => n + x.length + 1, 1); // column of field i (unquoted)
    for (const [i, name] of [[iu, 'user_id'], [is, 'skill_name'], [io, 'order_id']] as const) {
      if (f(i) === '') throw new CsvError(rec.line, at(i), `empty ${name}`);
    }
    const correct = CORRECT[f(ic).toLowerCase()];
    if (correct === undefined) throw new CsvError(rec.line, at(ic), `correct must be 1 or 0 (or true/false), not "${f(ic)}"`);
    let time: number | null = null;
    if (it >= 0 && f(it) !== '') {
      time = parseTime(f(it));
      if (time === null) throw new CsvError(rec.line, at(it), `timestamp "${f(it)}" is neither a number of seconds or milliseconds nor an ISO 8601 date`);
    }
    rows.push({ userId: f(iu), skillName: f(is), correct, orderId: f(io), problemId: ip >= 0 && f(ip) !== '' ? f(ip) : null, at: time, line: rec.line });
  }
  const numeric = rows.every((r) => /^-?\d+(\.\d+)?$/.test(r.orderId));
  const key = (r: ResponseRow) => (numeric ? Number(r.orderId) : r.orderId);
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = key(a.r), y = key(b.r);
      return x < y ? -1 : x > y ? 1 : a.i - b.i;
    })
    .map((x) => x.r);
}

/** Writes responses in the same layout (what the instructor export produces). */
export function writeResponses(rows: readonly Omit<ResponseRow, 'line'>[]): string {
  return writePyBktCsv(rows);
}

const Params = z.object({ prior: z.number(), learn: z.number(), guess: z.number(), slip: z.number(), forget: z.number().default(0) });
/** The parameters file `fit` writes and `predict`/`replay` read. */
export const ParamsFile = z.object({
  format: z.literal('masterly-bkt-1'),
  responseKind: z.enum(['multiple_choice', 'open']).default('multiple_choice'),
  skills: z.record(
    z.string(),
    z.object({
      params: Params,
      status: z.enum(['fitted', 'default']),
      reason: z.string().optional(),
      learners: z.number().int().optional(),
      responses: z.number().int().optional(),
    }),
  ),
  /**
   * The course-level learner model (ADR 0028) over the fitted skills, as the product's fit service stores it:
   * skills' parameters under the model, guess/slip per skill and problem_id, ability coefficients, reteach, forgetting per day.
   */
  courseModel: z
    .object({
      skills: z.record(z.string(), Params),
      items: z.record(z.string(), z.record(z.string(), z.object({ guess: z.number(), slip: z.number() }))),
      coef: z.object({ prior: z.number(), learn: z.number(), guess: z.number(), slip: z.number() }),
      reteach: z.number(),
      forgetPerDay: z.number(),
    })
    .optional(),
});
export type ParamsFile = z.infer<typeof ParamsFile>;
export type SkillParams = ParamsFile['skills'][string] & { params: BktParams };
