/**
 * Pictures of progress for the instructor pages, as inline SVG built on the server (no script, no CDN):
 * - {@link classProgressSvg}: one stacked bar per objective, students counted by level;
 * - {@link levelTimelineSvg}: one student's level on one objective over time, as a step line.
 *
 * Pure string building from words the presenter translated. Every text is escaped; no style attributes (CSP).
 * Each picture is role="img" named by its <title> and described by its <desc>, which says every number in words.
 * Levels are told apart without colour: each has a symbol (the dashboard grid's) and a fill pattern (solid, striped,
 * cross-hatched, empty), and a key. The drawing is 320 units wide with 14-unit text, so text stays above 12 px on a
 * 320 px screen (public/instructor.css sizes it).
 */
import { PROGRESS_LEVELS as CHART_LEVELS, type ProgressLevel as ChartLevel } from '../services/instructorDashboard.js';
import { esc } from './diagrams.js';

/** Each level's name and symbol in the reader's language (symbols as in the dashboard grid's key). */
export type LevelWords = Record<ChartLevel, { label: string; symbol: string }>;

const W = 320;
const FONT = 14;
const MUTED = '#57606a';
const COLOUR: Record<ChartLevel, string> = { mastered: '#1a7f37', practising: '#0b5cad', stuck: '#9a6700', notStarted: '#ffffff' };

const text = (x: number, y: number, s: string, extra = '') => `<text x="${x}" y="${y}" font-size="${FONT}" fill="currentColor"${extra}>${esc(s)}</text>`;
/** Shortens a label to about what fits in `units` of 14-unit text (the full text is in the description). */
const fit = (s: string, units: number) => {
  const max = Math.max(4, Math.floor(units / 7.6));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};
const fillOf = (id: string, l: ChartLevel) => (l === 'practising' || l === 'stuck' ? `url(#${id}-${l})` : COLOUR[l]);

/** Stripes for practising, cross-hatching for stuck: a second cue beside the colour. */
const patterns = (id: string) =>
  `<defs><pattern id="${id}-practising" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><rect width="3.5" height="6" fill="${COLOUR.practising}"/></pattern>` +
  `<pattern id="${id}-stuck" width="7" height="7" patternUnits="userSpaceOnUse"><rect width="7" height="7" fill="#ffffff"/><path d="M0,0 L7,7 M7,0 L0,7" stroke="${COLOUR.stuck}" stroke-width="2"/></pattern></defs>`;

const frame = (id: string, height: number, title: string, desc: string, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="${id}" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc">` +
  `<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(desc)}</desc>${patterns(id)}${body}</svg>`;

/** The key: a swatch, the symbol and the name of each level, two to a line. */
function key(id: string, words: LevelWords, y0: number): { svg: string; height: number } {
  const out = CHART_LEVELS.map((l, i) => {
    const x = (i % 2) * (W / 2);
    const y = y0 + Math.floor(i / 2) * 22;
    return `<rect x="${x + 1}" y="${y + 3}" width="14" height="14" fill="${fillOf(id, l)}" stroke="${MUTED}"/>${text(x + 21, y + 15, `${words[l].symbol} ${words[l].label}`)}`;
  });
  return { svg: out.join(''), height: 44 };
}

/** Input of {@link classProgressSvg}. */
export interface ClassProgressInput {
  /** Unique on the page (prefix of the picture's ids). */
  id: string;
  title: string;
  /** Says every number in words (the presenter writes it). */
  desc: string;
  words: LevelWords;
  objectives: { title: string; counts: Record<ChartLevel, number> }[];
}

/**
 * Class progress: per objective its title, a bar split by how many students are at each level, and the counts with
 * their symbols under it. Segments carry `data-level` and `data-count`.
 */
export function classProgressSvg(input: ClassProgressInput): string {
  const id = esc(input.id);
  const k = key(id, input.words, 0);
  const out = [k.svg];
  const ROW = 66;
  input.objectives.forEach((o, i) => {
    const y = k.height + 8 + i * ROW;
    const total = CHART_LEVELS.reduce((n, l) => n + o.counts[l], 0);
    out.push(text(0, y + 14, fit(o.title, W)));
    let x = 1;
    const barW = W - 2;
    for (const l of CHART_LEVELS) {
      const w = total === 0 ? 0 : (o.counts[l] / total) * barW;
      if (w > 0) out.push(`<rect x="${round(x)}" y="${y + 20}" width="${round(w)}" height="20" fill="${fillOf(id, l)}" stroke="${MUTED}" data-level="${l}" data-count="${o.counts[l]}"/>`);
      x += w;
    }
    out.push(`<rect x="1" y="${y + 20}" width="${barW}" height="20" fill="none" stroke="${MUTED}"/>`);
    CHART_LEVELS.forEach((l, c) => out.push(text(c * (W / 4), y + 58, `${input.words[l].symbol} ${o.counts[l]}`)));
  });
  return frame(id, k.height + 8 + input.objectives.length * ROW, input.title, input.desc, out.join(''));
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Input of {@link levelTimelineSvg}. */
export interface LevelTimelineInput {
  id: string;
  title: string;
  desc: string;
  words: LevelWords;
  /** Level changes, oldest first; the line runs from the first to `end`. */
  steps: { at: number; level: ChartLevel }[];
  end: number;
  /** The axis's first and last times, written by the pages' date helper. */
  startLabel: string;
  endLabel: string;
}

/** A step line of one student's level on one objective over time: a row per level (mastered at the top). */
export function levelTimelineSvg(input: LevelTimelineInput): string {
  const id = esc(input.id);
  const ROW = 24;
  const X0 = 104;
  const X1 = W - 8;
  const bands = CHART_LEVELS.length * ROW;
  const rowOf = (l: ChartLevel) => CHART_LEVELS.indexOf(l);
  const yOf = (l: ChartLevel) => rowOf(l) * ROW + ROW / 2;
  const first = input.steps[0]?.at ?? input.end;
  const span = input.end - first;
  const xOf = (at: number) => (span > 0 ? round(X0 + ((at - first) / span) * (X1 - X0)) : X0);
  const out: string[] = [];
  CHART_LEVELS.forEach((l, i) => {
    if (i % 2 === 0) out.push(`<rect x="0" y="${i * ROW}" width="${W}" height="${ROW}" fill="#f6f8fa"/>`);
    out.push(text(2, i * ROW + 17, fit(`${input.words[l].symbol} ${input.words[l].label}`, X0 - 4)));
  });
  out.push(`<path d="M${X0},${bands} H${X1}" stroke="${MUTED}" stroke-width="1.5" fill="none"/>`);
  for (const x of [X0, X1]) out.push(`<path d="M${x},${bands} v6" stroke="${MUTED}" stroke-width="1.5"/>`);
  if (input.steps.length > 0) {
    const [head, ...rest] = input.steps as [LevelTimelineInput['steps'][number], ...LevelTimelineInput['steps']];
    let d = `M${xOf(head.at)},${yOf(head.level)}`;
    for (const s of rest) d += ` H${xOf(s.at)} V${yOf(s.level)}`;
    d += ` H${X1}`;
    out.push(`<path d="${d}" stroke="${COLOUR.practising}" stroke-width="3" fill="none" stroke-linejoin="round"/>`);
    for (const s of input.steps) out.push(`<circle cx="${xOf(s.at)}" cy="${yOf(s.level)}" r="4.5" fill="${COLOUR.practising}" data-level="${s.level}" data-at="${s.at}"/>`);
  }
  // The two dates on separate lines: a medium date and time is about half the width.
  out.push(text(X0, bands + 22, input.startLabel));
  out.push(text(X1, bands + 42, input.endLabel, ' text-anchor="end"'));
  return frame(id, bands + 50, input.title, input.desc, out.join(''));
}
