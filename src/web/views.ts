import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

type Include = (name: string, data?: object) => string;
/** A template compiled by EJS in client mode: locals, escape function and include are passed in. */
type Template = (locals: object, escape: (value: unknown) => string, include: Include) => string;
type Done = (err: Error | null, html?: string) => void;

/**
 * Express's view engine for `.ejs`: EJS templates, compiled once and with each include resolved once per including
 * file while Express's view cache is on (production). EJS's own `include` looks the file up on disk (`existsSync`)
 * and copies its options on every include of every render: 4–5 % of a practice page and answer's CPU (ADR 0031).
 * Without the view cache (development, tests) every render reads and compiles afresh, so edits show at once, and
 * compiled templates keep EJS's line tracking for error messages; production templates leave it out.
 */
export function viewEngine(): (file: string, options: { cache?: boolean }, done: Done) => void {
  const templates = new Map<string, Template>();
  const includes = new Map<string, string>();

  const load = (file: string, cache: boolean): Template => {
    const hit = cache ? templates.get(file) : undefined;
    if (hit) return hit;
    const compiled = ejs.compile(fs.readFileSync(file, 'utf8'), { client: true, filename: file, compileDebug: !cache }) as unknown as Template;
    if (cache) templates.set(file, compiled);
    return compiled;
  };
  const resolve = (from: string, name: string, cache: boolean): string => {
    const key = `${from}\n${name}`;
    const hit = cache ? includes.get(key) : undefined;
    if (hit) return hit;
    const file = path.resolve(path.dirname(from), path.extname(name) ? name : `${name}.ejs`);
    if (!fs.existsSync(file)) throw new Error(`Could not find the include file "${name}" (included from ${from})`);
    if (cache) includes.set(key, file);
    return file;
  };
  const render = (file: string, data: object, cache: boolean): string =>
    load(file, cache)(data, ejs.escapeXML, (name, more) => render(resolve(file, name, cache), { ...data, ...more }, cache));

  return (file, options, done) => {
    let html: string;
    try {
      html = render(file, options, options.cache === true);
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    done(null, html);
  };
}
