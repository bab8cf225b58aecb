/**
 * What every format converter produces: a `masterly-course/1` draft plus a per-question report (imported, or
 * skipped and why). Converters add questions through {@link DraftBuilder}, which turns categories into objectives,
 * makes keys valid and unique, and checks each item against the course file's own item schema so that a question
 * the course file could not hold is reported as skipped instead of failing the whole import.
 */
import sanitizeHtml from 'sanitize-html';
import { msg, type Message } from '../../domain/message.js';
import { CourseFile } from '../importCourse.js';

/** A course file's item. */
export type DraftItem = CourseFile['items'][number];
/** A course file's objective. */
export type DraftObjective = CourseFile['objectives'][number];

/** One question of the uploaded file and what became of it. */
export interface ItemReport {
  /** 1-based position of the question in the file. */
  n: number;
  /** The question's name (or the start of its text). */
  name: string;
  status: 'imported' | 'skipped';
  /** The item key (imported) — also the objective it went to. */
  key?: string;
  objective?: string;
  /** Why it was skipped. */
  reason?: Message;
}

/** A converted upload: the course file draft and the report. */
export interface Conversion {
  file: CourseFile;
  report: ItemReport[];
}

/** The formats Masterly reads and writes. */
export const FORMATS = ['moodle', 'gift', 'csv', 'native', 'cartridge'] as const;
export type CourseFormat = (typeof FORMATS)[number];

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

/** A valid course-file key from any name ("Fractions: halves" → "fractions-halves"). */
export function slugKey(name: string, fallback: string): string {
  if (KEY_RE.test(name)) return name;
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.:-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 60);
  return s || fallback;
}

const itemSchema = CourseFile.shape.items.element;

/** Short text for a report line. */
export const excerpt = (s: string, n = 80): string => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/**
 * HTML from an LMS (question text, feedback) as the Markdown Masterly renders: paragraphs, line breaks, bold,
 * italics, lists, sub/superscript and code survive; scripts, styles, event handlers, images and every other tag are
 * dropped by sanitize-html first, so nothing active can come through (pages also render Markdown with HTML off).
 */
export function htmlToMarkdown(html: string): string {
  if (!/[<&]/.test(html)) return html.trim();
  const clean = sanitizeHtml(html, {
    allowedTags: ['p', 'br', 'div', 'strong', 'b', 'em', 'i', 'sub', 'sup', 'code', 'pre', 'ul', 'ol', 'li'],
    allowedAttributes: {},
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'],
  });
  const md = clean
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|pre|ul|ol)>/gi, '\n\n')
    .replace(/<li>/gi, '- ')
    .replace(/<\/li>/gi, '\n')
    .replace(/<\/?(strong|b)>/gi, '**')
    .replace(/<\/?(em|i)>/gi, '*')
    .replace(/<\/?code>/gi, '`')
    .replace(/<sub>/gi, '~')
    .replace(/<\/sub>/gi, '~')
    .replace(/<sup>/gi, '^')
    .replace(/<\/sup>/gi, '^')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(md)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp < 0x110000 ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });

/** Text in a source format → Markdown: HTML is converted and sanitised, Markdown and plain text kept. */
export const textAsMarkdown = (text: string, format: string | undefined): string =>
  format === 'markdown' || format === 'plain_text' || format === 'plain' ? text.trim() : htmlToMarkdown(text);

/** An item being added: everything but its (made unique) key and objective. */
export type NewItem = DistributiveOmit<DraftItem, 'key' | 'objective'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Collects objectives and items while a converter reads a file. */
export class DraftBuilder {
  private readonly objectives = new Map<string, DraftObjective>();
  private readonly byPath = new Map<string, string>();
  private readonly items: DraftItem[] = [];
  private readonly itemKeys = new Set<string>();
  readonly report: ItemReport[] = [];
  private current: string | undefined;
  private n = 0;

  constructor(private readonly defaultTitle = 'Imported questions') {}

  /**
   * Makes the category at `path` (Moodle `$course$/top/Fractions`, GIFT `$CATEGORY`) the objective of the next
   * questions. Its title is the last path segment; `key` (Moodle's category idnumber) wins over one made from it.
   */
  category(path: string, opts: { key?: string; title?: string; description?: string; prerequisites?: string[] } = {}): string {
    const known = this.byPath.get(path);
    if (known) return (this.current = known);
    const segments = path.split(/(?<!\/)\/(?!\/)/).map((s) => s.replace(/\/\//g, '/').trim()).filter((s) => s && !/^\$[a-z]+\$$/.test(s) && s !== 'top');
    const title = (opts.title ?? segments.at(-1) ?? this.defaultTitle).slice(0, 200) || this.defaultTitle;
    let key = slugKey(opts.key || title, `objective-${this.objectives.size + 1}`);
    for (let i = 2; this.objectives.has(key); i++) key = `${key.replace(/-\d+$/, '')}-${i}`;
    this.objectives.set(key, { key, title, description: opts.description ?? '', prerequisites: opts.prerequisites ?? [] });
    this.byPath.set(path, key);
    return (this.current = key);
  }

  /** Adds one question; reports it imported, or skipped when the course file could not hold it. */
  add(name: string, item: NewItem, objective?: string): void {
    const n = ++this.n;
    const obj = objective ?? this.current ?? this.category('', { title: this.defaultTitle });
    let key = slugKey(name, `q${n}`);
    if (this.itemKeys.has(key)) key = slugKey(`${key.slice(0, 70)}-${n}`, `q${n}`);
    for (let i = 2; this.itemKeys.has(key); i++) key = `q${n}-${i}`;
    const parsed = itemSchema.safeParse({ ...item, key, objective: obj });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.skip(name || excerpt(item.prompt), msg('interop.skip.invalid', { detail: `${issue?.path.join('.') || 'question'}: ${issue?.message ?? ''}` }), n);
      return;
    }
    this.itemKeys.add(key);
    this.items.push(parsed.data);
    this.report.push({ n, name: name || excerpt(item.prompt), status: 'imported', key, objective: obj });
  }

  /** Reports a question that is not imported, and why. */
  skip(name: string, reason: Message, n = ++this.n): void {
    this.report.push({ n, name, status: 'skipped', reason });
  }

  /** Items added so far (progress). */
  get count(): number {
    return this.n;
  }

  /** The draft: objectives that received items (plus those given prerequisites or content), in file order. */
  build(course: { title: string; description?: string }, content: CourseFile['content'] = [], keepEmpty = false): Conversion {
    const used = new Set([...this.items.map((i) => i.objective), ...content.map((c) => c.objective)]);
    const objectives = [...this.objectives.values()].filter((o) => keepEmpty || used.has(o.key));
    return {
      file: { format: 'masterly-course/1', course: { title: course.title, description: course.description ?? '' }, objectives, items: this.items, content },
      report: this.report,
    };
  }
}

/** Decodes a byte stream as UTF-8 text chunks (a BOM dropped), without holding the whole file. */
export async function* utf8Chunks(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of source) {
    let s = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    if (s) first = false;
    if (s) yield s;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Reads a whole (size-limited upstream) stream as text: for formats whose parsers need it whole (GIFT, CSV, JSON). */
export async function readAllText(source: AsyncIterable<Buffer | string>): Promise<string> {
  let s = '';
  for await (const c of utf8Chunks(source)) s += c;
  return s;
}
