/**
 * An SVG-aware sanitiser for uploaded diagrams (a generic HTML sanitiser is not enough: SVG runs script through
 * <script>, event attributes, <foreignObject>, animation of `href`, external <use>/<image> references and CSS).
 * The upload is parsed as XML with saxes (no DTD, no entities beyond the five predefined ones, so no XXE and no
 * billion laughs) and written out again keeping only:
 * - elements of an allowlist in the SVG namespace (shapes, text, paint servers, structure); any other element is
 *   dropped with everything inside it (script, style, foreignObject, image, a, animate, set, …);
 * - attributes of an allowlist, without a namespace (plus `xml:space`); no `on*`, no `style`;
 * - `href` / `xlink:href` only to a fragment of the same document (`#id`);
 * - `url(…)` in paint and clip attributes only to a local fragment (`url(#id)`).
 * Anything that is not well-formed XML with an <svg> root is refused (null).
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const ELEMENTS = new Set([
  'svg', 'g', 'defs', 'title', 'desc', 'symbol', 'use', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker',
]);
const ATTRIBUTES = new Set([
  'id', 'class', 'viewBox', 'preserveAspectRatio', 'width', 'height', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'd', 'points',
  'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust', 'transform', 'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity',
  'stroke-linecap', 'stroke-linejoin', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-miterlimit', 'opacity', 'font-family', 'font-size',
  'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'alignment-baseline', 'letter-spacing', 'visibility', 'display',
  'clip-path', 'clip-rule', 'mask', 'marker-start', 'marker-mid', 'marker-end', 'markerWidth', 'markerHeight', 'refX', 'refY', 'orient',
  'markerUnits', 'gradientUnits', 'gradientTransform', 'spreadMethod', 'offset', 'stop-color', 'stop-opacity', 'fx', 'fy', 'fr',
  'patternUnits', 'patternContentUnits', 'patternTransform', 'clipPathUnits', 'maskUnits', 'maskContentUnits', 'role', 'aria-label',
  'aria-hidden', 'aria-labelledby', 'aria-describedby', 'focusable', 'version', 'lang',
]);
const MAX_DEPTH = 64;
const MAX_ELEMENTS = 20_000;

const escText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escAttr = (s: string): string => escText(s).replace(/"/g, '&quot;');

/** True when every `url(…)` in the value points at a local fragment, and it holds no script-ish scheme. */
const safeValue = (v: string): boolean => {
  if (/javascript:|data:|vbscript:|expression\s*\(/i.test(v)) return false;
  const urls = v.match(/url\s*\(([^)]*)\)/gi) ?? [];
  return urls.every((u) => /^url\s*\(\s*['"]?#[A-Za-z0-9_.:-]+['"]?\s*\)$/i.test(u));
};

/** The sanitised SVG text, or null when the input is not well-formed SVG. */
export function sanitiseSvg(input: string): string | null {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const out: string[] = [];
  const stack: { keep: boolean; name: string }[] = [];
  let dropping = 0; // depth inside a dropped element
  let count = 0;
  let failed = false;
  let sawRoot = false;
  const fail = () => {
    failed = true;
  };
  parser.on('error', fail);
  parser.on('doctype', fail); // no DTD: no entity definitions, no external subsets
  parser.on('opentag', (tag: SaxesTagNS) => {
    count++;
    if (count > MAX_ELEMENTS || stack.length >= MAX_DEPTH) return fail();
    if (stack.length === 0) {
      if (tag.uri !== SVG_NS || tag.local !== 'svg') return fail();
      sawRoot = true;
    }
    const keep = dropping === 0 && tag.uri === SVG_NS && ELEMENTS.has(tag.local);
    stack.push({ keep, name: tag.local });
    if (!keep) {
      dropping++;
      return;
    }
    const attrs: string[] = stack.length === 1 ? [`xmlns="${SVG_NS}"`] : [];
    for (const a of Object.values(tag.attributes)) {
      const value = a.value;
      if (a.uri === XML_NS && a.local === 'space') attrs.push(`xml:space="${escAttr(value)}"`);
      else if ((a.uri === XLINK_NS || a.uri === '') && a.local === 'href') {
        if (/^#[A-Za-z0-9_.:-]+$/.test(value.trim())) attrs.push(`href="${escAttr(value.trim())}"`);
      } else if (a.uri === '' && ATTRIBUTES.has(a.local) && safeValue(value)) attrs.push(`${a.local}="${escAttr(value)}"`);
    }
    out.push(`<${tag.local}${attrs.length ? ` ${attrs.join(' ')}` : ''}>`);
  });
  parser.on('closetag', () => {
    const top = stack.pop();
    if (!top) return;
    if (!top.keep) dropping--;
    else out.push(`</${top.name}>`);
  });
  parser.on('text', (t) => {
    if (dropping === 0 && stack.length > 0) out.push(escText(t));
  });
  parser.on('cdata', (t) => {
    if (dropping === 0 && stack.length > 0) out.push(escText(t));
  });
  try {
    parser.write(input).close();
  } catch {
    return null;
  }
  return failed || !sawRoot ? null : out.join('');
}
