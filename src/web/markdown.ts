/**
 * Markdown of lessons, pages and items → safe HTML, rendered by the tool itself (no CDN, inside our CSP):
 * - markdown-it with raw HTML off (any HTML in the source is escaped) and its link check (no javascript:/data:);
 * - TeX between `$…$` / `\(…\)` (inline) and `$$…$$` / `\[…\]` (display) → MathML with temml (no script, no fonts
 *   from elsewhere; `\href`, `\url`, `\includegraphics` are not trusted);
 * - ```text fences that draw fraction bars, number lines and grids in characters → SVG pictures (web/diagrams.ts);
 * - images only from this tool's uploads (`/media/<id>`);
 * - sanitize-html over the result with an allowlist (HTML, MathML, the diagrams' SVG), as a second line of defence:
 *   no `style`, no event handlers, no foreign URLs.
 */
import MarkdownIt from 'markdown-it';
import type StateInline from 'markdown-it/lib/rules_inline/state_inline.mjs';
import type StateBlock from 'markdown-it/lib/rules_block/state_block.mjs';
import { createRequire } from 'node:module';
import sanitizeHtml from 'sanitize-html';
import type Temml from 'temml';
import { asciiDiagramToSvg } from './diagrams.js';

const MAX_TEX = 4000;

// temml (≈ 1 MB of source, a few MB of RSS) is loaded with the first TeX rendered, not at start: many courses have
// none. Its CommonJS build, so that rendering stays synchronous.
const requireHere = createRequire(import.meta.url);
let temmlModule: typeof Temml | undefined;
const temml = (): typeof Temml => (temmlModule ??= requireHere('temml') as typeof Temml);

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** TeX → MathML; a TeX error shows the source as code (the author sees what to fix). */
export function renderTex(tex: string, display: boolean): string {
  if (tex.length > MAX_TEX) return `<code class="tex-error">${escapeHtml(tex.slice(0, 200))}…</code>`;
  try {
    return temml().renderToString(tex, { displayMode: display, throwOnError: true, trust: false, maxExpand: 200 });
  } catch {
    return `<code class="tex-error">${escapeHtml(tex)}</code>`;
  }
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  let open: string;
  let close: string;
  if (src.startsWith('\\(', start)) [open, close] = ['\\(', '\\)'];
  else if (src[start] === '$' && src[start + 1] !== '$') [open, close] = ['$', '$'];
  else return false;
  const from = start + open.length;
  // "$5 and $6" is money, not math: TeX needs a non-space after the opening and before the closing dollar.
  if (open === '$' && (src[from] === ' ' || src[from] === undefined)) return false;
  let end = src.indexOf(close, from);
  while (end > 0 && src[end - 1] === '\\') end = src.indexOf(close, end + 1);
  if (end < 0 || end === from) return false;
  if (open === '$' && (src[end - 1] === ' ' || /\d/.test(src[end + 1] ?? ''))) return false;
  if (!silent) {
    const token = state.push('math_inline', 'math', 0);
    token.content = src.slice(from, end);
    token.markup = open;
  }
  state.pos = end + close.length;
  return true;
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineStart = (n: number) => (state.bMarks[n] ?? 0) + (state.tShift[n] ?? 0);
  const lineText = (n: number) => state.src.slice(lineStart(n), state.eMarks[n]);
  const first = lineText(startLine).trim();
  const [open, close] = first.startsWith('$$') ? ['$$', '$$'] : first.startsWith('\\[') ? ['\\[', '\\]'] : [null, null];
  if (!open || !close) return false;
  if (silent) return true;
  let body = first.slice(open.length);
  let line = startLine;
  let found = body.trimEnd().endsWith(close);
  if (found) body = body.trimEnd().slice(0, -close.length);
  while (!found && ++line < endLine) {
    const t = lineText(line);
    if (t.trimEnd().endsWith(close)) {
      body += `\n${t.trimEnd().slice(0, -close.length)}`;
      found = true;
    } else body += `\n${t}`;
  }
  if (!found) return false;
  const token = state.push('math_block', 'math', 0);
  token.block = true;
  token.content = body.trim();
  token.map = [startLine, line + 1];
  state.line = line + 1;
  return true;
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.inline.ruler.before('escape', 'math_inline', mathInline);
md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
md.renderer.rules.math_inline = (tokens, i) => renderTex(tokens[i]?.content ?? '', false);
md.renderer.rules.math_block = (tokens, i) => `<div class="math-block">${renderTex(tokens[i]?.content ?? '', true)}</div>\n`;
const defaultFence = md.renderer.rules.fence;
md.renderer.rules.fence = (tokens, i, options, env, self) => {
  const token = tokens[i];
  if (token && /^(text|diagram)?$/.test(token.info.trim())) {
    const svg = asciiDiagramToSvg(token.content);
    if (svg) return `<figure class="diagram">${svg}</figure>\n`;
  }
  return defaultFence ? defaultFence(tokens, i, options, env, self) : '';
};
// Images: only this tool's uploads (the CSP allows no other origin anyway); anything else becomes its alt text.
const MEDIA_SRC = /^\/media\/[A-Za-z0-9-]{1,64}$/;
md.renderer.rules.image = (tokens, i) => {
  const token = tokens[i];
  const src = token?.attrGet('src') ?? '';
  const alt = token?.children?.map((c) => c.content).join('') ?? '';
  return MEDIA_SRC.test(src) ? `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}" loading="lazy">` : escapeHtml(alt);
};

const MATHML = [
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msub', 'msup', 'msubsup', 'mfrac', 'msqrt', 'mroot',
  'mover', 'munder', 'munderover', 'mtable', 'mtr', 'mtd', 'mpadded', 'mphantom', 'menclose', 'mstyle', 'merror', 'mmultiscripts', 'mprescripts', 'none',
];
const MATHML_ATTRS = [
  'display', 'class', 'mathvariant', 'lspace', 'rspace', 'stretchy', 'fence', 'form', 'separator', 'movablelimits', 'accent', 'accentunder',
  'width', 'height', 'depth', 'voffset', 'linethickness', 'columnalign', 'rowalign', 'columnspacing', 'rowspacing', 'notation', 'scriptlevel',
  'displaystyle', 'symmetric', 'largeop', 'minsize', 'maxsize', 'encoding',
];
const SVG = ['svg', 'g', 'rect', 'line', 'path', 'polygon', 'text', 'title', 'desc', 'defs', 'pattern'];
const SVG_ATTRS = [
  'viewbox', 'viewBox', 'width', 'height', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'd', 'points', 'class', 'role', 'aria-label', 'aria-hidden', 'focusable',
  'fill', 'stroke', 'stroke-width', 'text-anchor', 'dominant-baseline', 'font-size', 'id', 'patternunits', 'patternUnits', 'xmlns',
];

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'img',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'figure', 'div', 'span', ...MATHML, ...SVG,
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'loading'],
    ol: ['start'],
    code: ['class'],
    div: ['class'],
    figure: ['class'],
    span: ['class'],
    ...Object.fromEntries(MATHML.map((t) => [t, MATHML_ATTRS])),
    ...Object.fromEntries(SVG.map((t) => [t, SVG_ATTRS])),
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  // Only local fragments may be referenced from SVG paint (the diagrams' hatching pattern).
  exclusiveFilter: (frame) => frame.tag === 'img' && !MEDIA_SRC.test(frame.attribs.src ?? ''),
  transformTags: {
    '*': (tagName, attribs) => {
      for (const k of ['fill', 'stroke']) if (attribs[k] && /url\(/i.test(attribs[k]) && !/^url\(#[A-Za-z0-9_-]+\)$/.test(attribs[k])) delete attribs[k];
      return { tagName, attribs };
    },
  },
  parser: { lowerCaseAttributeNames: false },
};

/**
 * Rendered HTML by source, kept for the texts a course shows over and over (an item's prompt and choices on every
 * practice page, its feedback after every answer): rendering and sanitising them again cost 6 % of the tool's CPU per
 * page + answer. The output depends on the source alone, so a kept entry is never stale. The least recently used go
 * first once the kept sources and pages pass 4 million characters (about 8 MB); a text over 20,000 is not kept.
 */
function memoised(render: (src: string) => string): (src: string) => string {
  const MAX_CHARS = 4_000_000;
  const cache = new Map<string, string>();
  let chars = 0;
  return (src) => {
    const hit = cache.get(src);
    if (hit !== undefined) {
      cache.delete(src);
      cache.set(src, hit);
      return hit;
    }
    const html = render(src);
    if (src.length <= 20_000) {
      cache.set(src, html);
      chars += src.length + html.length;
      for (const [oldest, page] of cache) {
        if (chars <= MAX_CHARS) break;
        cache.delete(oldest);
        chars -= oldest.length + page.length;
      }
    }
    return html;
  };
}

/** Markdown → safe HTML (block). */
export const renderMarkdown = memoised((src) => sanitizeHtml(md.render(src), SANITIZE));
/** Markdown → safe HTML (inline: choices, feedback). */
export const renderInline = memoised((src) => sanitizeHtml(md.renderInline(src), SANITIZE));
