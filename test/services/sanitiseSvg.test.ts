import { describe, expect, it } from 'vitest';
import { sanitiseSvg } from '../../src/services/sanitiseSvg.js';

const svg = (inner: string, attrs = '') => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"${attrs}>${inner}</svg>`;

describe('the SVG sanitiser (uploads)', () => {
  it('keeps a plain diagram: shapes, text, local gradients and references', () => {
    const input = svg('<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><rect id="r" x="1" y="2" width="3" height="4" fill="url(#g)"/><use href="#r" x="10"/><text x="5" y="5">1/2 &amp; more</text>', ' viewBox="0 0 10 10"');
    expect(sanitiseSvg(input)).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"></stop></linearGradient></defs><rect id="r" x="1" y="2" width="3" height="4" fill="url(#g)"></rect><use href="#r" x="10"></use><text x="5" y="5">1/2 &amp; more</text></svg>',
    );
  });

  it.each([
    ['a script element', svg('<script>alert(1)</script><rect/>'), '<rect></rect>'],
    ['a script in another namespace prefix', svg('<s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script>'), ''],
    ['an event handler', svg('<rect onclick="alert(1)" onmouseover="x()" width="1"/>', ' onload="alert(2)"'), '<rect width="1"></rect>'],
    ['foreignObject with HTML', svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject>'), ''],
    ['a link to javascript:', svg('<a href="javascript:alert(1)"><text>click</text></a>'), ''],
    ['an external use', svg('<use href="https://evil.example/s.svg#x"/><use xlink:href="data:image/svg+xml,&lt;svg/&gt;"/>'), '<use></use><use></use>'],
    ['an external image', svg('<image href="https://evil.example/track.png"/>'), ''],
    ['animation setting href', svg('<a><set attributeName="href" to="javascript:alert(1)"/><animate attributeName="href" values="javascript:alert(1)"/></a>'), ''],
    ['a style element and attribute', svg('<style>@import url(https://evil.example/x.css)</style><rect style="fill:url(https://evil.example/)"/>'), '<rect></rect>'],
    ['paint from another document', svg('<rect fill="url(https://evil.example/p.svg#x)" stroke="url(#ok)"/>'), '<rect stroke="url(#ok)"></rect>'],
    ['a filter with javascript', svg('<rect mask="url(javascript:alert(1))" clip-path="url(#c)"/>'), '<rect clip-path="url(#c)"></rect>'],
    ['a processing instruction and comment', svg('<?xml-stylesheet href="https://evil.example/x.css"?><!-- hi --><rect/>'), '<rect></rect>'],
  ])('drops %s', (_name, input, inner) => {
    expect(sanitiseSvg(input)).toBe(`<svg xmlns="http://www.w3.org/2000/svg">${inner}</svg>`);
  });

  it.each([
    ['an external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>'],
    ['entity expansion (billion laughs)', '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'],
    ['an undefined entity', svg('<text>&nope;</text>')],
    ['malformed XML', '<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>'],
    ['an HTML root', '<html><body><svg xmlns="http://www.w3.org/2000/svg"/></body></html>'],
    ['an svg root outside the SVG namespace', '<svg><rect/></svg>'],
    ['deep nesting', `<svg xmlns="http://www.w3.org/2000/svg">${'<g>'.repeat(200)}${'</g>'.repeat(200)}</svg>`],
  ])('refuses %s', (_name, input) => {
    expect(sanitiseSvg(input)).toBeNull();
  });
});
