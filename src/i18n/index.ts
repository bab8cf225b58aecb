import i18next, { type i18n } from 'i18next';
import { en, type Catalogue } from './en.js';

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
}

/** The catalogues we have, by language. English is the fallback for every other locale. */
const CATALOGUES: Record<string, Catalogue> = { en };

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

/** The language of ours that serves a BCP 47 locale (`es-MX` → `es` if we had it), else English. */
export function languageFor(locale: unknown): string {
  if (typeof locale !== 'string') return 'en';
  const tag = locale.trim().replace(/_/g, '-').toLowerCase();
  const base = tag.split('-')[0] ?? '';
  return CATALOGUES[tag] ? tag : CATALOGUES[base] ? base : 'en';
}

const translators = new Map<string, Translate>();

/** The translator for a locale (the launch's `locale` claim); unknown locales get English. */
export function translator(locale?: unknown): Translate {
  const lang = languageFor(locale);
  let t = translators.get(lang);
  if (!t) {
    const fixed = messages.getFixedT(lang);
    t = Object.assign((key: MessageKey, vars?: MessageVars) => fixed(key, vars) as string, { lang });
    translators.set(lang, t);
  }
  return t;
}

/** Every key of the catalogue, as stored (plural forms with their suffix); for tests. */
export function catalogueKeys(c: object = en, prefix = ''): string[] {
  return Object.entries(c).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : catalogueKeys(v as object, `${prefix}${k}.`)));
}
