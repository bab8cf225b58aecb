/**
 * A user-facing message as data: a key of the message catalogue (src/i18n/en.ts) and its values. The domain and the
 * services say WHAT to tell people; the web layer translates it in the reader's language (src/i18n `render`), so a
 * second language adds a catalogue, not code. Numbers stay numbers (the catalogue formats them per locale); a list of
 * messages is joined as the language joins lists ("a and b").
 */
export interface Message {
  readonly key: string;
  readonly vars?: Readonly<Record<string, MessageVar>>;
}

/** A value of a message: text as it is (a title, a name), a number, or a message (or list of them) translated too. */
export type MessageVar = string | number | Message | readonly Message[];

/** What a stored record says: a message, or the plain text of records written before messages were structured. */
export type MessageOrText = Message | string;

/** A message with its values. */
export const msg = (key: string, vars?: Record<string, MessageVar>): Message => (vars ? { key, vars } : { key });

export const isMessage = (v: unknown): v is Message =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { key?: unknown }).key === 'string';

/** A message as one text column holds it (JSON; plain text stays plain text). Deterministic: same message, same text. */
export const encodeMessage = (m: MessageOrText): string => (typeof m === 'string' ? m : JSON.stringify(m));

/** Reads a text column written by {@link encodeMessage}, or before it existed (plain English text, returned as is). */
export function decodeMessage(stored: string): MessageOrText {
  if (!stored.startsWith('{"key":')) return stored;
  try {
    const parsed: unknown = JSON.parse(stored);
    return isMessage(parsed) ? parsed : stored;
  } catch {
    return stored;
  }
}
