import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asciiDiagramToSvg } from '../../src/web/diagrams.js';
import { renderMarkdown } from '../../src/web/markdown.js';

const seed = JSON.parse(readFileSync(new URL('../../seed/fractions.json', import.meta.url), 'utf8')) as { items: { key: string; prompt: string }[] };

describe('character diagrams become SVG pictures', () => {
  it('renders each of the fractions unit’s 9 drawn items as a picture, never as raw text', () => {
    const drawn = seed.items.filter((i) => i.prompt.includes('```text'));
    expect(drawn.map((i) => i.key)).toEqual(['fap-03', 'fap-06', 'fap-10', 'fap-15', 'fnl-01', 'fnl-02', 'fnl-03', 'fnl-10', 'mul-10']);
    for (const item of drawn) {
      const html = renderMarkdown(item.prompt);
      expect(html, item.key).toMatch(/<figure class="diagram"><svg [^>]*role="img" aria-label="[^"]+"/);
      expect(html, item.key).not.toContain('<pre>');
      expect(html, item.key).not.toMatch(/\[#+\||\|-+\||\+-+\+/);
    }
  });

  it('says what a bar, a number line and a grid show', () => {
    expect(asciiDiagramToSvg('[###|###|###|###|   |   ]')).toContain('aria-label="a bar in 6 equal parts, 4 shaded."');
    expect(asciiDiagramToSvg('1/2 : [###|   ]\n1   : [-------]')).toContain('aria-label="1/2: a bar in 2 equal parts, 1 shaded; 1: a whole bar."');
    expect(asciiDiagramToSvg('0                   1\n|----|----|----|----|\n          ^\n          P')).toContain(
      'aria-label="a number line from 0 to 1 in 4 equal jumps; P is at jump 2 of 4."',
    );
    const grid = asciiDiagramToSvg('+--------+--------+\n|        |########|\n|        |########|\n|        +--------+\n|        |        |\n|        |        |\n+--------+--------+');
    expect(grid).toContain('aria-label="a shape in 3 parts: 1 shaded."');
    expect(asciiDiagramToSvg('+---+---+\n| X | / |\n+---+---+')).toContain('a shape in 2 parts: 1 shaded, 1 striped');
  });

  it('leaves ordinary text and code alone, and escapes labels', () => {
    expect(asciiDiagramToSvg('just some text\nwith lines')).toBeNull();
    expect(renderMarkdown('```js\nconst a = [1|2];\n```')).toContain('<pre><code class="language-js">');
    const svg = asciiDiagramToSvg('<b>x</b> : [#|&amp;]') ?? '';
    expect(svg).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });
});
