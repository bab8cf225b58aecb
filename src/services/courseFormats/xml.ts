/**
 * Streaming XML for the importers (saxes): the file is read chunk by chunk and only one record (a Moodle
 * `<question>`, a QTI item) is held as a small tree at a time. A DOCTYPE is refused outright — no DTD, internal
 * subset or external entity is ever read, so XXE and "billion laughs" cannot happen — and an undefined entity or a
 * malformed document is an {@link ImportRejected} naming the line.
 */
import { SaxesParser } from 'saxes';
import { ImportRejected } from '../../domain/errors.js';
import { utf8Chunks } from './draft.js';

/** A small element tree (attributes, children, concatenated text). */
export interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
  /** Text and elements in document order (for mixed content such as XHTML in QTI). */
  nodes: (El | string)[];
}

/** The first child named `name` (local name, any prefix). */
export const child = (el: El | undefined, name: string): El | undefined => el?.children.find((c) => localName(c.name) === name);
/** Every child named `name`. */
export const children = (el: El | undefined, name: string): El[] => el?.children.filter((c) => localName(c.name) === name) ?? [];
/** Text of the descendant path (`text(q, 'name', 'text')`), trimmed of nothing: '' when absent. */
export const textAt = (el: El | undefined, ...path: string[]): string => {
  let e = el;
  for (const p of path) e = child(e, p);
  return e?.text ?? '';
};
/** A tag's local name (`imsqti:itemBody` → `itemBody`). */
export const localName = (n: string): string => n.slice(n.indexOf(':') + 1);

/**
 * Streams `source` through saxes; every element named `record` (local name) at any depth is built as a tree and
 * handed to `onRecord`; `onRoot` sees the document element's name first. Text inside elements named in `skipText`
 * (embedded base64 files) is not kept.
 */
export async function streamRecords(
  source: AsyncIterable<Buffer | string>,
  opts: { record: string; onRoot?: (name: string, attrs: Record<string, string>) => void; onRecord: (el: El) => void | Promise<void>; skipText?: string[] },
): Promise<void> {
  const parser = new SaxesParser({ position: true });
  const stack: El[] = [];
  let depthInRecord = -1;
  let root = true;
  let skipping = 0;
  const done: El[] = [];
  const skipText = new Set(opts.skipText ?? []);
  const fail = (detail: string): never => {
    throw new ImportRejected('xml_malformed', `XML not well-formed at line ${parser.line}: ${detail}`, { details: { line: parser.line, detail } });
  };
  parser.on('error', (e) => fail(e.message.replace(/^.*?:\d+:\d+: /, '')));
  parser.on('doctype', () => {
    throw new ImportRejected('xml_doctype', 'XML with a DOCTYPE refused');
  });
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = typeof v === 'string' ? v : v.value;
    if (root) {
      root = false;
      opts.onRoot?.(tag.name, attrs);
    }
    if (depthInRecord < 0 && localName(tag.name) !== opts.record) return;
    const el: El = { name: tag.name, attrs, children: [], text: '', nodes: [] };
    if (depthInRecord < 0) depthInRecord = 0;
    else {
      stack.at(-1)?.children.push(el);
      stack.at(-1)?.nodes.push(el);
    }
    stack.push(el);
    if (skipText.has(localName(tag.name))) skipping++;
  });
  const onText = (t: string) => {
    const top = stack.at(-1);
    if (top && skipping === 0) {
      top.text += t;
      top.nodes.push(t);
    }
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    if (depthInRecord < 0) return;
    const el = stack.pop();
    if (el && skipText.has(localName(tag.name))) skipping--;
    if (stack.length === 0 && el) {
      depthInRecord = -1;
      done.push(el);
    }
  });
  for await (const chunk of utf8Chunks(source)) {
    parser.write(chunk);
    while (done.length) await opts.onRecord(done.shift() as El);
  }
  parser.close();
  while (done.length) await opts.onRecord(done.shift() as El);
  if (root) fail('the file is empty');
}

/** Escapes text for an XML attribute or element. */
export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Text as CDATA (a `]]>` inside is split across two sections). */
export const cdata = (s: string): string => `<![CDATA[${s.replace(/\]\]>/g, ']]]]><![CDATA[>')}]]>`;

/** Serialises an element's content back to (X)HTML text, for the HTML → Markdown conversion. */
export function innerXml(el: El, skip: (e: El) => boolean = () => false): string {
  return el.nodes
    .map((n) => {
      if (typeof n === 'string') return esc(n);
      if (skip(n)) return '';
      const attrs = Object.entries(n.attrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
      return `<${localName(n.name)}${attrs}>${innerXml(n, skip)}</${localName(n.name)}>`;
    })
    .join('');
}
