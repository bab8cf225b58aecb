import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, toCsv } from '../../src/cli/csv.js';

const rows = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv (RFC 4180)', () => {
  it('reads plain records with LF or CRLF line ends and an optional trailing line break', () => {
    expect(rows('a,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(rows('a,b\r\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(rows('a,b\r\n\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('strips a byte-order mark, so the first column name is not "\\uFEFFuser_id"', () => {
    expect(rows('\uFEFFuser_id,correct\nu1,1\n')[0]).toEqual(['user_id', 'correct']);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks inside', () => {
    expect(rows('a,"b, c","say ""hi""","two\r\nlines"\n')).toEqual([['a', 'b, c', 'say "hi"', 'two\r\nlines']]);
    expect(rows('"",x\n')).toEqual([['', 'x']]);
  });

  it('keeps empty fields and the line each record starts on', () => {
    const r = parseCsv('a,,c\n"x\ny",2\nlast,\n');
    expect(r.map((x) => x.line)).toEqual([1, 2, 4]);
    expect(r[0]?.fields).toEqual(['a', '', 'c']);
    expect(r[2]?.fields).toEqual(['last', '']);
  });

  it('names the line and column of malformed input', () => {
    const err = (t: string) => {
      try {
        parseCsv(t);
      } catch (e) {
        return e as CsvError;
      }
      throw new Error('no error');
    };
    const unclosed = err('a,b\n1,"open\n');
    expect(unclosed).toBeInstanceOf(CsvError);
    expect([unclosed.line, unclosed.column]).toEqual([2, 3]);
    const stray = err('a,b\n1,x"y\n');
    expect([stray.line, stray.column]).toEqual([2, 4]);
    const after = err('a\r\n"q"z,1\n');
    expect([after.line, after.column]).toEqual([2, 4]);
    expect(after.message).toMatch(/line 2, column 4/);
  });

  it('round-trips what toCsv writes', () => {
    const data = [['1', 'a,b', 'say "x"'], ['2', 'line\nbreak', '']];
    expect(rows(toCsv(['id', 'name', 'note'], data))).toEqual([['id', 'name', 'note'], ...data]);
  });
});
