/**
 * A small RFC 4180 CSV reader and writer (no CSV library is a dependency): quoted fields, doubled quotes inside
 * them, line breaks inside quotes, CRLF or LF line ends, a UTF-8 byte-order mark. Malformed input throws
 * {@link CsvError} with the 1-based line and column of the problem.
 */

/** A malformed CSV file: where and what. */
export class CsvError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'CsvError';
  }
}

/** One parsed record and the line it starts on. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** Parses CSV text into records (a trailing line break does not make an empty record; blank lines are skipped). */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1, col = 1; // position of s[i]
  let recordLine = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (only a separator or line end may follow the closing quote)
  let quoteLine = 0, quoteCol = 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted)) out.push({ line: recordLine, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
          col += 2;
          continue;
        }
        quoted = false;
        col++;
        continue;
      }
      field += c;
      if (c === '\n') {
        line++;
        col = 1;
      } else col++;
      continue;
    }
    if (c === ',') {
      fields.push(field);
      field = '';
      wasQuoted = false;
      col++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      line++;
      col = 1;
      recordLine = line;
      continue;
    }
    if (wasQuoted) throw new CsvError(line, col, 'unexpected character after a closing quote (a field that starts with " must end with " before the next comma)');
    if (c === '"') {
      if (field !== '') throw new CsvError(line, col, 'a quote inside an unquoted field (quote the whole field and double the quote: "a ""b""")');
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      quoteCol = col;
      col++;
      continue;
    }
    field += c;
    col++;
  }
  if (quoted) throw new CsvError(quoteLine, quoteCol, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return out;
}

/** One CSV field, quoted when it needs to be. */
export function csvField(v: string | number): string {
  const t = String(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** A CSV file from a header and rows (LF line ends, trailing newline). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** One answer in the pyBKT layout (issue 10 §5). */
export interface PyBktResponse {
  readonly orderId: string;
  readonly userId: string;
  readonly skillName: string;
  readonly correct: boolean;
  readonly problemId: string | null;
  /** Epoch ms, or null when unknown. */
  readonly at: number | null;
}

/** Answers as pyBKT-style CSV (`order_id, user_id, skill_name, correct, problem_id, timestamp`; ISO 8601 times), the format `npm run model` reads. */
export function writePyBktCsv(rows: readonly PyBktResponse[]): string {
  return toCsv(
    ['order_id', 'user_id', 'skill_name', 'correct', 'problem_id', 'timestamp'],
    rows.map((r) => [r.orderId, r.userId, r.skillName, r.correct ? 1 : 0, r.problemId ?? '', r.at === null ? '' : new Date(r.at).toISOString()]),
  );
}
