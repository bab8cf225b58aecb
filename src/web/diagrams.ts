/**
 * Character diagrams of course files → SVG pictures. Authors (and the shipped fractions unit) draw fraction bars,
 * number lines and grids in ```text fences:
 *
 *     1/2 : [###|   ]            a bar: "[" … "]", parts split by "|", "#" shades a part
 *     |----|----|----|           a number line: ticks "|", jumps "-", labels on the lines around it,
 *               ^                "^" marks a point
 *     +---+---+                  a grid: borders "+", "-", "|"; a part holding "#" or "X" is shaded,
 *     | X | / |                  "/" or "\" striped
 *     +---+---+
 *
 * Each becomes an inline SVG laid out on the characters' columns (role="img" with a spoken description:
 * "bar in 6 equal parts, 4 shaded"). A fence with none of these shapes returns null and stays text.
 * Pure string building: every text is escaped; no style attributes (CSP), no external references.
 */

const CW = 9; // px per character column
const LH = 24; // px per line
const PAD = 6;

/** Escapes text for XML/HTML text and double-quoted attributes. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cx = (col: number) => PAD + col * CW + CW / 2;
const top = (line: number) => PAD + line * LH;
const cy = (line: number) => top(line) + LH / 2;

const BAR = /^(.*?)\[([^\]]*)\](.*)$/;
const isBarLine = (l: string) => {
  const m = BAR.exec(l);
  return m !== null && (m[2]?.includes('|') === true || /^-+$/.test(m[2]?.trim() ?? ''));
};
const isTickLine = (l: string) => /\|-+\|/.test(l) && !l.includes('[') && !l.includes('+');
const isBorderLine = (l: string) => /\+-+\+/.test(l) || /\+-+$/.test(l.trimEnd());

/** Runs of text on a line (words joined by single spaces) with their starting column. */
function textRuns(line: string, from = 0, to = line.length): { col: number; text: string }[] {
  const out: { col: number; text: string }[] = [];
  const re = /\S+(?: \S+)*/g;
  const part = line.slice(from, to);
  for (let m = re.exec(part); m; m = re.exec(part)) out.push({ col: from + m.index, text: m[0] });
  return out;
}
const textEl = (col: number, line: number, text: string, anchor: 'start' | 'middle' = 'start') =>
  `<text x="${anchor === 'start' ? PAD + col * CW : cx(col)}" y="${cy(line)}" dominant-baseline="middle" text-anchor="${anchor}" font-size="14" fill="currentColor">${esc(text)}</text>`;
const lineEl = (x1: number, y1: number, x2: number, y2: number, width = 1.5) =>
  `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="currentColor" stroke-width="${width}"/>`;

interface Drawn {
  /** Shading, drawn under the lines. */
  fills: string[];
  svg: string[];
  said: string[];
}

function drawBar(line: string, i: number, d: Drawn): void {
  const m = BAR.exec(line) as RegExpExecArray;
  const prefix = m[1] ?? '';
  const inner = m[2] ?? '';
  const open = prefix.length;
  const close = open + 1 + inner.length;
  const y0 = top(i) + 3;
  const h = LH - 6;
  const bounds = [open];
  for (let c = open + 1; c < close; c++) if (line[c] === '|') bounds.push(c);
  bounds.push(close);
  let shaded = 0;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const a = bounds[k] as number;
    const b = bounds[k + 1] as number;
    const cell = line.slice(a + 1, b);
    const x = cx(a);
    const w = cx(b) - cx(a);
    const fill = cell.includes('#');
    if (fill) shaded++;
    d.svg.push(`<rect x="${x}" y="${y0}" width="${w}" height="${h}" fill="${fill ? '#3b6fc4' : 'none'}" stroke="currentColor" stroke-width="1.5"/>`);
    const label = cell.replace(/[#-]/g, '').trim();
    if (label) d.svg.push(textEl((a + b) / 2, i, label, 'middle'));
  }
  const parts = bounds.length - 1;
  for (const r of textRuns(prefix)) d.svg.push(textEl(r.col, i, r.text));
  for (const r of textRuns(line, close + 1)) d.svg.push(textEl(r.col, i, r.text));
  const name = prefix.replace(/:\s*$/, '').trim();
  const what = parts === 1 && shaded === 0 ? 'a whole bar' : `a bar in ${parts} equal parts, ${shaded} shaded`;
  d.said.push(name ? `${name}: ${what}` : what);
}

function drawTicks(line: string, i: number, d: Drawn, lines: readonly string[]): void {
  const ticks: number[] = [];
  const first = line.indexOf('|');
  let last = first;
  for (let c = first; c < line.length; c++) {
    if (line[c] === '|') ticks.push(c);
    if (line[c] !== '|' && line[c] !== '-') break;
    last = c;
  }
  d.svg.push(lineEl(cx(first), cy(i), cx(last), cy(i), 2));
  for (const t of ticks) d.svg.push(lineEl(cx(t), cy(i) - 7, cx(t), cy(i) + 7, 2));
  for (const r of textRuns(line, last + 1)) d.svg.push(textEl(r.col, i, r.text));
  const labelAt = (l: string | undefined, col: number) => (l ? textRuns(l).find((r) => col >= r.col - 1 && col <= r.col + r.text.length)?.text : undefined);
  const from = labelAt(lines[i - 1], first);
  const to = labelAt(lines[i - 1], last);
  let said = `a number line${from && to ? ` from ${from} to ${to}` : ''} in ${ticks.length - 1} equal jumps`;
  for (let j = i + 1; j < lines.length; j++) {
    const l = lines[j] as string;
    const caret = l.indexOf('^');
    if (caret < 0) continue;
    const jump = ticks.reduce((best, t, k) => (Math.abs(t - caret) < Math.abs((ticks[best] ?? 0) - caret) ? k : best), 0);
    const name = labelAt(lines[j + 1], caret) ?? 'a point';
    said += `; ${name} is at jump ${jump} of ${ticks.length - 1}`;
    break;
  }
  d.said.push(said);
}

/** A grid drawn with + - | : border lines and parts found by flood fill; parts with # or X shaded, / or \ striped. */
function drawGrid(lines: readonly string[], from: number, to: number, d: Drawn, id: string): void {
  const at = (l: number, c: number) => lines[l]?.[c] ?? ' ';
  const wall = (ch: string) => ch === '+' || ch === '-' || ch === '|';
  // Borders: horizontal runs of - and +, vertical runs of | and +.
  for (let l = from; l <= to; l++) {
    const s = lines[l] as string;
    for (let c = 0; c < s.length; ) {
      if ((s[c] === '-' || s[c] === '+') && (s[c + 1] === '-' || s[c - 1] === '-')) {
        let e = c;
        while (s[e + 1] === '-' || s[e + 1] === '+') e++;
        d.svg.push(lineEl(cx(c), cy(l), cx(e), cy(l)));
        c = e + 1;
      } else c++;
    }
  }
  const width = Math.max(...lines.slice(from, to + 1).map((s) => s.length));
  for (let c = 0; c < width; c++) {
    for (let l = from; l <= to; ) {
      if (at(l, c) === '|' || (at(l, c) === '+' && (at(l + 1, c) === '|' || at(l - 1, c) === '|'))) {
        let e = l;
        while (e + 1 <= to && (at(e + 1, c) === '|' || at(e + 1, c) === '+')) e++;
        const y1 = at(l, c) === '+' ? cy(l) : top(l);
        const y2 = at(e, c) === '+' ? cy(e) : top(e) + LH;
        if (e > l || at(l, c) === '|') d.svg.push(lineEl(cx(c), y1, cx(c), y2));
        l = e + 1;
      } else l++;
    }
  }
  // Parts: 4-connected regions of non-wall characters that stay inside the walls.
  const seen = new Set<string>();
  let parts = 0;
  let shaded = 0;
  let striped = 0;
  for (let l = from; l <= to; l++) {
    for (let c = 0; c < (lines[l] as string).length; c++) {
      if (wall(at(l, c)) || seen.has(`${l}:${c}`)) continue;
      const region: [number, number][] = [];
      let open = false;
      const stack: [number, number][] = [[l, c]];
      seen.add(`${l}:${c}`);
      while (stack.length) {
        const [pl, pc] = stack.pop() as [number, number];
        region.push([pl, pc]);
        for (const [nl, nc] of [[pl - 1, pc], [pl + 1, pc], [pl, pc - 1], [pl, pc + 1]] as [number, number][]) {
          if (nl < from || nl > to || nc < 0 || nc >= width) {
            open = true;
            continue;
          }
          if (wall(at(nl, nc)) || seen.has(`${nl}:${nc}`)) continue;
          seen.add(`${nl}:${nc}`);
          stack.push([nl, nc]);
        }
      }
      const chars = region.map(([rl, rc]) => at(rl, rc)).filter((ch) => ch !== ' ');
      if (open) {
        for (let rl = from; rl <= to; rl++) {
          const cols = region.filter(([x]) => x === rl).map(([, y]) => y);
          if (cols.length) for (const r of textRuns(lines[rl] as string, Math.min(...cols), Math.max(...cols) + 1)) d.svg.push(textEl(r.col, rl, r.text));
        }
        continue;
      }
      parts++;
      const marker = chars.length > 0 && chars.every((ch) => '#X/\\'.includes(ch));
      const fill = marker && chars.some((ch) => ch === '#' || ch === 'X') ? '#3b6fc4' : marker && chars.includes('/') ? `url(#${id}-a)` : marker ? `url(#${id}-b)` : null;
      if (fill === '#3b6fc4') shaded++;
      else if (fill) striped++;
      for (let rl = from; rl <= to; rl++) {
        const cols = region.filter(([x]) => x === rl).map(([, y]) => y);
        if (!cols.length) continue;
        const c0 = Math.min(...cols);
        const c1 = Math.max(...cols);
        if (fill) {
          const y1 = wall(at(rl - 1, c0)) ? cy(rl - 1) : top(rl);
          const y2 = wall(at(rl + 1, c0)) ? cy(rl + 1) : top(rl) + LH;
          d.fills.push(`<rect x="${cx(c0 - 1)}" y="${y1}" width="${cx(c1 + 1) - cx(c0 - 1)}" height="${y2 - y1}" fill="${fill}" stroke="none"/>`);
        } else if (chars.length) for (const r of textRuns(lines[rl] as string, c0, c1 + 1)) d.svg.push(textEl(r.col, rl, r.text));
      }
    }
  }
  d.said.push(`a shape in ${parts} parts: ${shaded} shaded${striped ? `, ${striped} striped` : ''}`);
}

const hash = (s: string): string => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
};

/** The SVG picture of a character diagram, or null when the text draws no bar, number line or grid. */
export function asciiDiagramToSvg(source: string): string | null {
  const lines = source.replace(/\t/g, '    ').replace(/\s+$/, '').split('\n').map((l) => l.trimEnd());
  if (lines.length === 0 || lines.length > 40 || lines.some((l) => l.length > 120)) return null;
  if (!lines.some((l) => isBarLine(l) || isTickLine(l) || isBorderLine(l))) return null;
  const id = `dg${hash(source)}`;
  const d: Drawn = { fills: [], svg: [], said: [] };
  const borders = lines.map((l, i) => (isBorderLine(l) ? i : -1)).filter((i) => i >= 0);
  const gridFrom = borders[0] ?? -1;
  const gridTo = borders[borders.length - 1] ?? -1;
  if (gridFrom >= 0 && gridTo > gridFrom) drawGrid(lines, gridFrom, gridTo, d, id);
  lines.forEach((line, i) => {
    if (i >= gridFrom && i <= gridTo && gridTo > gridFrom) return;
    if (isBarLine(line)) drawBar(line, i, d);
    else if (isTickLine(line)) drawTicks(line, i, d, lines);
    else {
      for (let c = line.indexOf('^'); c >= 0; c = line.indexOf('^', c + 1)) {
        d.svg.push(`<polygon points="${cx(c)},${top(i) + 2} ${cx(c) - 6},${top(i) + 14} ${cx(c) + 6},${top(i) + 14}" fill="#c0392b"/>`);
      }
      for (const r of textRuns(line.replace(/\^/g, ' '))) d.svg.push(textEl(r.col, i, r.text));
    }
  });
  const w = PAD * 2 + Math.max(...lines.map((l) => l.length)) * CW;
  const h = PAD * 2 + lines.length * LH;
  const label = `${d.said.join('; ')}.`;
  const defs =
    `<defs><pattern id="${id}-a" width="8" height="8" patternUnits="userSpaceOnUse"><path d="M0,8 L8,0" stroke="#3b6fc4" stroke-width="2"/></pattern>` +
    `<pattern id="${id}-b" width="8" height="8" patternUnits="userSpaceOnUse"><path d="M0,0 L8,8" stroke="#b35900" stroke-width="2"/></pattern></defs>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="diagram-svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${defs}${d.fills.join('')}${d.svg.join('')}</svg>`;
}
