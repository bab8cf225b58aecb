import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { classProgressSvg, levelTimelineSvg, type LevelWords } from '../../src/web/charts.js';

interface El {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: El[];
}

/** Parses as strict XML (throws on anything not well-formed) into a small tree. */
function parse(xml: string): El {
  const parser = new SaxesParser({ xmlns: false });
  const stack: El[] = [];
  let root: El | null = null;
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (t) => {
    const el: El = { name: t.name, attributes: t.attributes as Record<string, string>, text: '', children: [] };
    stack[stack.length - 1]?.children.push(el);
    stack.push(el);
    root ??= el;
  });
  parser.on('text', (s) => {
    for (const el of stack) el.text += s;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return root as unknown as El;
}
const all = (el: El, name: string): El[] => [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];

const words: LevelWords = {
  mastered: { label: 'Mastered', symbol: '✓' },
  practising: { label: 'Practising', symbol: '◔' },
  stuck: { label: 'Stuck', symbol: '⚠' },
  notStarted: { label: 'Not started', symbol: '○' },
};
const EVIL = '<script>alert(1)</script> & "Fractions"';

describe('class progress picture', () => {
  const svg = classProgressSvg({
    id: 'class-progress',
    title: `Class ${EVIL}`,
    desc: `Row ${EVIL}`,
    words,
    objectives: [
      { title: EVIL, counts: { mastered: 3, practising: 2, stuck: 1, notStarted: 4 } },
      { title: 'Nobody yet', counts: { mastered: 0, practising: 0, stuck: 0, notStarted: 0 } },
    ],
  });

  it('is well-formed SVG, an image named by its title and described by its desc', () => {
    const root = parse(svg);
    expect(root.name).toBe('svg');
    expect(root.attributes).toMatchObject({ role: 'img', 'aria-labelledby': 'class-progress-title', 'aria-describedby': 'class-progress-desc', viewBox: expect.stringMatching(/^0 0 320 \d+$/) });
    expect(all(root, 'title')[0]?.text).toBe(`Class ${EVIL}`);
    expect(all(root, 'desc')[0]?.text).toBe(`Row ${EVIL}`);
  });

  it('escapes names: no markup gets through', () => {
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('&amp; &quot;Fractions&quot;');
  });

  it('draws each level as a share of the bar with the input’s counts, and writes the counts with their symbols', () => {
    const root = parse(svg);
    const segments = all(root, 'rect').filter((r) => r.attributes['data-level']);
    expect(segments.map((r) => [r.attributes['data-level'], Number(r.attributes['data-count'])])).toEqual([
      ['mastered', 3],
      ['practising', 2],
      ['stuck', 1],
      ['notStarted', 4],
    ]);
    // Widths in proportion: 3 of 10 students is 30 % of the 318-unit bar.
    expect(Number(segments[0]?.attributes.width)).toBeCloseTo(95.4, 1);
    expect(Number(segments[3]?.attributes.width)).toBeCloseTo(127.2, 1);
    const texts = all(root, 'text').map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining(['✓ 3', '◔ 2', '⚠ 1', '○ 4', '✓ 0', '○ 0', '✓ Mastered', '⚠ Stuck']));
    // No text smaller than 14 units (12 px and more when 320 units are drawn 280 px wide).
    expect(all(root, 'text').every((t) => Number(t.attributes['font-size']) >= 14)).toBe(true);
  });

  it('tells levels apart by pattern, not colour alone, and uses no style attribute (CSP)', () => {
    const fills = new Set(all(parse(svg), 'rect').filter((r) => r.attributes['data-level']).map((r) => r.attributes.fill));
    expect(fills).toEqual(new Set(['#1a7f37', 'url(#class-progress-practising)', 'url(#class-progress-stuck)', '#ffffff']));
    expect(svg).not.toMatch(/style=|<script|href=/);
  });
});

describe('level timeline picture', () => {
  const day = 86_400_000;
  const t0 = Date.UTC(2026, 0, 5);
  const svg = levelTimelineSvg({
    id: 'timeline-1',
    title: `${EVIL}: level over time`,
    desc: 'Jan 5: Not started; Now: Mastered',
    words,
    steps: [
      { at: t0, level: 'notStarted' },
      { at: t0 + day, level: 'practising' },
      { at: t0 + 3 * day, level: 'mastered' },
    ],
    end: t0 + 4 * day,
    startLabel: 'Jan 5 & <b>',
    endLabel: 'Jan 9',
  });

  it('is well-formed, named and described, with the dates on the axis escaped', () => {
    const root = parse(svg);
    expect(root.attributes).toMatchObject({ role: 'img', 'aria-labelledby': 'timeline-1-title', 'aria-describedby': 'timeline-1-desc' });
    expect(all(root, 'title')[0]?.text).toBe(`${EVIL}: level over time`);
    const texts = all(root, 'text').map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining(['Jan 5 & <b>', 'Jan 9', '✓ Mastered', '○ Not started']));
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
  });

  it('places one point per change at its time and level (mastered on the top row)', () => {
    const points = all(parse(svg), 'circle').map((c) => ({ level: c.attributes['data-level'], x: Number(c.attributes.cx), y: Number(c.attributes.cy) }));
    expect(points.map((p) => p.level)).toEqual(['notStarted', 'practising', 'mastered']);
    // Time is linear from the first change (x 104) to the end (x 312): a day is 52 units.
    expect(points.map((p) => p.x)).toEqual([104, 156, 260]);
    expect(points[2]!.y).toBeLessThan(points[1]!.y);
    expect(points[1]!.y).toBeLessThan(points[0]!.y);
    const line = all(parse(svg), 'path').find((p) => p.attributes['stroke-width'] === '3');
    expect(line?.attributes.d).toBe('M104,84 H156 V36 H260 V12 H312');
  });

  it('draws a single level as a flat line when everything happened at once', () => {
    const flat = levelTimelineSvg({ id: 't', title: 'x', desc: 'y', words, steps: [{ at: t0, level: 'practising' }], end: t0, startLabel: 'a', endLabel: 'b' });
    expect(all(parse(flat), 'path').find((p) => p.attributes['stroke-width'] === '3')?.attributes.d).toBe('M104,36 H312');
  });
});
