/**
 * Items (questions) tagged to objectives, content, and server-side answer checking.
 * Markdown is stored raw here; it is sanitised when rendered, not in the domain.
 */
import { ValidationFailed } from './errors.js';
import { msg, type MessageOrText } from './message.js';

/** A choice of a multiple-choice item, with optional feedback shown when it is picked. */
export interface Choice {
  readonly id: string;
  readonly text: string;
  readonly feedback?: string;
}

interface ItemBase {
  readonly id: string;
  /** Objectives this item gives evidence on; the first is its primary objective. */
  readonly objectiveIds: readonly string[];
  /** The question, Markdown. */
  readonly stem: string;
  /** Worked explanation shown after answering (Markdown). */
  readonly explanation?: string;
}
/** Multiple choice with exactly one right answer. */
export interface SingleChoiceItem extends ItemBase {
  readonly kind: 'single_choice';
  readonly choices: readonly Choice[];
  readonly correctChoiceId: string;
}
/** Multiple choice where the response must be exactly the set of right choices. */
export interface MultipleChoiceItem extends ItemBase {
  readonly kind: 'multiple_choice';
  readonly choices: readonly Choice[];
  readonly correctChoiceIds: readonly string[];
}
/** A number, right when |response − answer| ≤ tolerance. */
export interface NumericItem extends ItemBase {
  readonly kind: 'numeric';
  readonly answer: number;
  /** Absolute tolerance; default 1e-9. */
  readonly tolerance?: number;
}
/** Free text, right when its normalised form equals one accepted answer's. */
export interface ShortAnswerItem extends ItemBase {
  readonly kind: 'short_answer';
  readonly acceptedAnswers: readonly string[];
  readonly caseSensitive?: boolean;
}
/**
 * A fraction, compared by value (2/4 is right for 1/2) unless `simplest`: then it must also be in lowest terms.
 * Whole numbers and mixed numbers ("1 1/2") are read too; decimals are not (the question asks for a fraction).
 */
export interface FractionItem extends ItemBase {
  readonly kind: 'fraction';
  readonly numerator: number;
  readonly denominator: number;
  readonly simplest?: boolean;
}
/** Any item. */
export type Item = SingleChoiceItem | MultipleChoiceItem | NumericItem | ShortAnswerItem | FractionItem;

/** What a student submitted: a choice id (single choice), choice ids (multiple choice), or text (numeric, short answer). */
export type ItemResponse = string | readonly string[];

/**
 * The result of checking a response: whether it is right, and feedback to show at once: the author's text for a
 * choice, or a catalogue message (`items.*`).
 */
export interface AnswerCheck {
  readonly correct: boolean;
  readonly feedback: MessageOrText;
}

const RIGHT = msg('items.correct');
const WRONG = msg('items.wrong');
/** The generic feedback (right / not quite), which the feedback page says in its own words. */
export const isGenericFeedback = (f: MessageOrText): boolean => f === RIGHT || f === WRONG;

/** Kinds of instructional content attached to an objective. */
export type ContentKind = 'lesson' | 'reteach' | 'enrichment';

/** A lesson, reteach page or enrichment page (Markdown, sanitised on render). */
export interface Content {
  readonly id: string;
  readonly objectiveId: string;
  readonly kind: ContentKind;
  readonly title: string;
  readonly markdown: string;
}

/** Trims, lower-cases (unless case-sensitive), folds runs of whitespace to one space, and NFKC-normalises. */
export function normaliseText(s: string, caseSensitive = false): string {
  const t = s.normalize('NFKC').trim().replace(/\s+/g, ' ');
  return caseSensitive ? t : t.toLowerCase();
}

/**
 * Parses a number as students write it: "0.75", ".75", "-2", "1,000", "3/4", "1 1/2", "75%".
 * A percentage is returned as a fraction (0.75). Returns null when it is not a number.
 */
export function parseNumber(s: string): number | null {
  let t = s.normalize('NFKC').trim().replace(/\u2212/g, '-');
  if (!t) return null;
  let scale = 1;
  if (t.endsWith('%')) {
    scale = 0.01;
    t = t.slice(0, -1).trim();
  }
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(t)) t = t.replace(/,/g, '');
  const dec = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
  if (dec.test(t)) return Number(t) * scale;
  const frac = /^([-+]?)(?:(\d+)\s+)?(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (frac) {
    const [, sign, whole, num, den] = frac;
    if (Number(den) === 0) return null;
    const v = Number(whole ?? 0) + Number(num) / Number(den);
    return (sign === '-' ? -v : v) * scale;
  }
  return null;
}

const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));

/** A fraction as written by a student ("3/4", "-3/4", "1 1/2", "2"): numerator and denominator as written, or null. */
export function parseFraction(s: string): { numerator: number; denominator: number } | null {
  const t = s.normalize('NFKC').trim().replace(/\u2212/g, '-').replace(/\u2044/g, '/');
  const m = /^([-+]?)(?:(\d{1,9})\s+)?(\d{1,9})\s*\/\s*(\d{1,9})$/.exec(t);
  if (m) {
    const [, sign, whole, num, den] = m;
    const d = Number(den);
    if (d === 0) return null;
    const n = Number(whole ?? 0) * d + Number(num);
    return { numerator: sign === '-' ? -n : n, denominator: d };
  }
  const w = /^([-+]?)(\d{1,9})$/.exec(t);
  return w ? { numerator: (w[1] === '-' ? -1 : 1) * Number(w[2]), denominator: 1 } : null;
}

/** True when the fraction is in lowest terms (a whole number counts when its denominator is 1). */
export const isSimplest = (f: { numerator: number; denominator: number }): boolean => gcd(f.numerator, f.denominator) === 1;

const asArray = (r: ItemResponse): readonly string[] => (typeof r === 'string' ? [r] : r);
const asText = (r: ItemResponse): string => (typeof r === 'string' ? r : r.join(' '));

/** Checks a response against an item (server-side only); never throws on odd input, it is just wrong. */
export function checkAnswer(item: Item, response: ItemResponse): AnswerCheck {
  switch (item.kind) {
    case 'single_choice': {
      const picked = asArray(response);
      const correct = picked.length === 1 && picked[0] === item.correctChoiceId;
      const choice = item.choices.find((c) => c.id === picked[0]);
      return { correct, feedback: choice?.feedback ?? (correct ? RIGHT : WRONG) };
    }
    case 'multiple_choice': {
      const picked = new Set(asArray(response));
      const want = new Set(item.correctChoiceIds);
      const missing = [...want].filter((c) => !picked.has(c)).length;
      const extra = [...picked].filter((c) => !want.has(c)).length;
      const correct = missing === 0 && extra === 0;
      const parts = [...(missing ? [msg('items.missing', { count: missing })] : []), ...(extra ? [msg('items.extra', { count: extra })] : [])];
      const feedback = correct ? RIGHT : msg('items.notQuite', { parts });
      return { correct, feedback };
    }
    case 'numeric': {
      const v = parseNumber(asText(response));
      if (v === null) return { correct: false, feedback: msg('items.notANumber') };
      const tol = item.tolerance ?? 1e-9;
      // "75%" may mean 0.75 or 75 depending on how the question is asked: accept either reading.
      const isPct = asText(response).trim().endsWith('%');
      const close = (x: number) => Math.abs(x - item.answer) <= tol + 1e-12;
      const correct = close(v) || (isPct && close(v * 100));
      return { correct, feedback: correct ? RIGHT : WRONG };
    }
    case 'fraction': {
      const f = parseFraction(asText(response));
      if (!f) return { correct: false, feedback: msg('authoring.check.notAFraction') };
      const equal = f.numerator * item.denominator === item.numerator * f.denominator;
      if (equal && item.simplest && !isSimplest(f)) return { correct: false, feedback: msg('authoring.check.notSimplest') };
      return { correct: equal, feedback: equal ? RIGHT : WRONG };
    }
    case 'short_answer': {
      const r = normaliseText(asText(response), item.caseSensitive);
      const correct = item.acceptedAnswers.some((a) => normaliseText(a, item.caseSensitive) === r);
      return { correct, feedback: correct ? RIGHT : WRONG };
    }
  }
}

/** Throws `ValidationFailed` (ERR_VALIDATION) when an item cannot be answered right (e.g. its right choice is missing). */
export function validateItem(item: Item): Item {
  const issues: { path: string; message: string }[] = [];
  if (item.objectiveIds.length === 0) issues.push({ path: 'objectiveIds', message: 'Tag the item to at least one objective.' });
  switch (item.kind) {
    case 'single_choice':
      if (!item.choices.some((c) => c.id === item.correctChoiceId)) issues.push({ path: 'correctChoiceId', message: 'The right choice is not among the choices.' });
      break;
    case 'multiple_choice':
      if (item.correctChoiceIds.length === 0) issues.push({ path: 'correctChoiceIds', message: 'At least one choice must be right.' });
      if (item.correctChoiceIds.some((id) => !item.choices.some((c) => c.id === id))) issues.push({ path: 'correctChoiceIds', message: 'A right choice is not among the choices.' });
      break;
    case 'numeric':
      if (!Number.isFinite(item.answer)) issues.push({ path: 'answer', message: 'The answer must be a number.' });
      if (item.tolerance !== undefined && !(item.tolerance >= 0)) issues.push({ path: 'tolerance', message: 'The tolerance must be zero or more.' });
      break;
    case 'fraction':
      if (!Number.isInteger(item.numerator) || !Number.isInteger(item.denominator) || item.denominator <= 0) {
        issues.push({ path: 'answer', message: 'The answer must be a fraction of whole numbers with a denominator above 0.' });
      }
      break;
    case 'short_answer':
      if (item.acceptedAnswers.every((a) => normaliseText(a) === '')) issues.push({ path: 'acceptedAnswers', message: 'Give at least one accepted answer.' });
      break;
  }
  if (new Set(('choices' in item ? item.choices : []).map((c) => c.id)).size !== ('choices' in item ? item.choices.length : 0)) {
    issues.push({ path: 'choices', message: 'Choice ids must be unique.' });
  }
  if (issues.length) throw new ValidationFailed(`Item ${item.id} is invalid.`, issues);
  return item;
}
