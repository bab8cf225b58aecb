import i18next, { type i18n } from 'i18next';
import { isMessage, type MessageOrText, type MessageVar } from '../domain/message.js';
import { en, type Catalogue } from './en.js';
import { es, type Translation } from './es.js';
import { formatNumber, formatPercent } from './format.js';

/** Dotted paths to the strings of a catalogue; plural forms (`x_one`, `x_other`) are asked for as `x` with `count`. */
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? (K extends `${infer B}_${'one' | 'other'}` ? `${P}${B}` : `${P}${K}`) : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** A key of the message catalogue (a typo fails the typecheck). */
export type MessageKey = Leaves<Catalogue>;

/** Values interpolated into a message (`count` also picks the plural form). */
export type MessageVars = Record<string, string | number>;

/** Looks up a message in the request's language (English when the catalogue has no such language). */
export interface Translate {
  (key: MessageKey, vars?: MessageVars): string;
  /** The language the messages are in (for `<html lang>`). */
  readonly lang: string;
  /** The reader's IANA time zone when known (src/i18n/format.ts shows times in it; UTC, named, until then). */
  readonly timeZone?: string;
}

/** The catalogues we have, by language. English is the fallback for every other locale. */
const CATALOGUES: Record<string, Translation<Catalogue>> = { en, es };

/**
 * One i18next instance, initialised synchronously with the bundled catalogues and never changed afterwards (no
 * `changeLanguage`: each request gets a fixed-language `t`), so sharing it is safe.
 */
const messages: i18n = i18next.createInstance();
void messages.init({
  initAsync: false,
  resources: Object.fromEntries(Object.entries(CATALOGUES).map(([lng, c]) => [lng, { translation: c }])),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // EJS escapes what it prints
  returnNull: false,
});

/**
 * A launch's locale: LTI's `launch_presentation.locale`, or the OpenID Connect `locale` claim.
 *
 * @see https://www.imsglobal.org/spec/lti/v1p3#launch-presentation-claim
 */
export const launchLocale = (claims: Record<string, unknown>): unknown => (claims.launchPresentation as { locale?: unknown } | undefined)?.locale ?? claims.locale;

/** The languages we have, each named in its own language (the course-language choice). */
export const LANGUAGES: readonly { code: string; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
];

/** The language of ours that serves a BCP 47 locale (`es-MX` → `es` if we had it), else English. */
export function languageFor(locale: unknown): string {
  if (typeof locale !== 'string') return 'en';
  const tag = locale.trim().replace(/_/g, '-').toLowerCase();
  const base = tag.split('-')[0] ?? '';
  return CATALOGUES[tag] ? tag : CATALOGUES[base] ? base : 'en';
}

/**
 * The language of ours a browser prefers (`Accept-Language: es-MX,es;q=0.9,en;q=0.8` → `es`), for pages shown before
 * a launch says its locale (the landing page, 404s, launch refusals); English when it names none we have.
 */
export function languageFromHeader(header: unknown): string {
  if (typeof header !== 'string') return 'en';
  const wanted = header
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = Number(/^\s*q=([\d.]+)/.exec(params.join(';'))?.[1] ?? '1');
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((w) => w.q > 0 && w.tag && w.tag !== '*')
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const w of wanted) {
    const tag = w.tag.replace(/_/g, '-').toLowerCase();
    const lang = languageFor(tag);
    if (lang !== 'en' || tag === 'en' || tag.startsWith('en-')) return lang;
  }
  return 'en';
}

/** `{{p, p2}}`: a probability with 2 decimals in the reader's locale ("0.96", "0,96"). */
messages.services.formatter?.add('p2', (value: unknown, lng: string | undefined) =>
  typeof value === 'number' ? formatNumber({ lang: lng ?? 'en' }, value, { minFractionDigits: 2, maxFractionDigits: 2 }) : String(value),
);

/** `{{p, percent}}`: a probability as a whole percentage in the reader's locale ("97%", "97 %"). */
messages.services.formatter?.add('percent', (value: unknown, lng: string | undefined) =>
  typeof value === 'number' ? formatPercent({ lang: lng ?? 'en' }, value) : String(value),
);

/** True when the catalogue (English, the reference) has the key; plural keys are asked for without their suffix. */
export const hasKey = (key: string): boolean => messages.exists(key, { lng: 'en', count: 1 });

/**
 * A message from the domain or a service (key + values) in the reader's language: nested messages are translated
 * too, lists of them joined as the language joins lists. Plain text (records stored before messages were
 * structured) is shown as it is, and so is a key the catalogue lacks (never a raw key on a page).
 */
export function render(t: Translate, m: MessageOrText): string {
  if (typeof m === 'string') return m;
  if (!hasKey(m.key)) return m.key;
  const vars: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(m.vars ?? {})) vars[name] = renderVar(t, v);
  return t(m.key as MessageKey, vars);
}

function renderVar(t: Translate, v: MessageVar): string | number {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (isMessage(v)) return render(t, v);
  return new Intl.ListFormat(t.lang, { type: 'conjunction' }).format((v as readonly MessageOrText[]).map((x) => render(t, x)));
}

const translators = new Map<string, Translate>();

/**
 * A language's messages by key and values. A message depends on nothing else (the catalogues and formatters are fixed
 * at start; the reader's time zone formats dates outside them), and pages ask for the same ones over and over:
 * i18next's lookup and interpolation were 6 % of the CPU of a practice page + answer. Up to 2,000 per language are
 * kept, the oldest going first (values that vary per learner, like a name, pass through).
 */
const keptByLanguage = new Map<string, Map<string, string>>();
function keptMessages(lang: string): Map<string, string> {
  let kept = keptByLanguage.get(lang);
  if (!kept) keptByLanguage.set(lang, (kept = new Map()));
  return kept;
}

/**
 * The translator for a locale (the launch's `locale` claim; unknown locales get English) and, when known, the
 * reader's time zone (an IANA name already checked with `timeZoneOf`).
 */
export function translator(locale?: unknown, timeZone?: string): Translate {
  const lang = languageFor(locale);
  const key = timeZone ? `${lang}|${timeZone}` : lang;
  let t = translators.get(key);
  if (!t) {
    const fixed = messages.getFixedT(lang);
    const kept = keptMessages(lang);
    const lookUp = (k: MessageKey, vars?: MessageVars): string => {
      const id = vars === undefined ? k : `${k}\u0000${JSON.stringify(vars)}`;
      let m = kept.get(id);
      if (m !== undefined) return m;
      m = fixed(k, vars) as string;
      if (kept.size >= 2000) kept.delete(kept.keys().next().value as string);
      kept.set(id, m);
      return m;
    };
    t = Object.assign(lookUp, timeZone ? { lang, timeZone } : { lang });
    translators.set(key, t);
  }
  return t;
}

/** Every key of the catalogue, as stored (plural forms with their suffix); for tests. */
export function catalogueKeys(c: object = en, prefix = ''): string[] {
  return Object.entries(c).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : catalogueKeys(v as object, `${prefix}${k}.`)));
}
