/**
 * Helpers for the sample-unit generators (seed/build/*.ts): items whose answers are computed, not typed, and the
 * `masterly-course/1` file they make. Deterministic: the same script writes the same file.
 */
import { writeFileSync } from 'node:fs';

export interface Feedback {
  correct: string;
  incorrect: string;
}
export type CourseItem =
  | { key: string; objective: string; kind: 'mc_single' | 'mc_multi'; prompt: string; choices: { key: string; text: string }[]; answer: string[]; feedback: Feedback; hint: string; difficulty: number }
  | { key: string; objective: string; kind: 'numeric'; prompt: string; answer: { value: number; tolerance: number }; feedback: Feedback; hint: string; difficulty: number }
  | { key: string; objective: string; kind: 'short'; prompt: string; answer: { accepted: string[]; caseSensitive: boolean }; feedback: Feedback; hint: string; difficulty: number };
export interface Objective {
  key: string;
  title: string;
  description: string;
  prerequisites: string[];
}
export interface ContentPage {
  key: string;
  objective: string;
  kind: 'lesson' | 'reteach' | 'enrichment';
  title: string;
  body: string;
}

const LETTERS = 'abcdefgh';

/** A number as a person writes it: at most `dp` decimals, no trailing zeros. */
export const fmt = (n: number, dp = 2): string => String(Number(n.toFixed(dp)));

/** Sum, mean, sorted copy and median of a list. */
export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
export const mean = (xs: readonly number[]): number => sum(xs) / xs.length;
export const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
export function median(xs: readonly number[]): number {
  const s = sorted(xs);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
/** Quartiles by the median-of-halves method (the median left out of both halves when n is odd). */
export function quartiles(xs: readonly number[]): { q1: number; q3: number } {
  const s = sorted(xs);
  const half = Math.floor(s.length / 2);
  return { q1: median(s.slice(0, half)), q3: median(s.slice(s.length - half)) };
}

/** Builds one unit's items, objectives and pages, then writes it. */
export class Unit {
  readonly items: CourseItem[] = [];
  readonly objectives: Objective[] = [];
  readonly content: ContentPage[] = [];

  objective(o: Objective, pages: { lesson: [string, string]; reteach: Array<[string, string]>; enrichment: [string, string] }): void {
    this.objectives.push(o);
    this.content.push({ key: `${o.key}-lesson`, objective: o.key, kind: 'lesson', title: pages.lesson[0], body: pages.lesson[1] });
    pages.reteach.forEach(([title, body], i) => this.content.push({ key: `${o.key}-reteach-${i + 1}`, objective: o.key, kind: 'reteach', title, body }));
    this.content.push({ key: `${o.key}-enrichment`, objective: o.key, kind: 'enrichment', title: pages.enrichment[0], body: pages.enrichment[1] });
  }

  /** A numeric item; `tolerance` 0.05 accepts an answer rounded to one decimal place. */
  numeric(key: string, objective: string, prompt: string, value: number, o: { tolerance?: number; correct: string; incorrect: string; hint: string; difficulty: number }): void {
    this.items.push({ key, objective, kind: 'numeric', prompt, answer: { value: Number(value.toFixed(10)), tolerance: o.tolerance ?? 0 }, feedback: { correct: o.correct, incorrect: o.incorrect }, hint: o.hint, difficulty: o.difficulty });
  }

  /** A multiple-choice item: choices as [text, right?]; one right choice makes it single-answer. */
  choice(key: string, objective: string, prompt: string, choices: Array<[string, boolean]>, o: { correct: string; incorrect: string; hint: string; difficulty: number }): void {
    const right = choices.flatMap(([, ok], i) => (ok ? [LETTERS[i] as string] : []));
    if (right.length === 0) throw new Error(`${key}: no right choice`);
    this.items.push({
      key,
      objective,
      kind: right.length === 1 ? 'mc_single' : 'mc_multi',
      prompt,
      choices: choices.map(([text], i) => ({ key: LETTERS[i] as string, text })),
      answer: right,
      feedback: { correct: o.correct, incorrect: o.incorrect },
      hint: o.hint,
      difficulty: o.difficulty,
    });
  }

  short(key: string, objective: string, prompt: string, accepted: string[], o: { correct: string; incorrect: string; hint: string; difficulty: number }): void {
    this.items.push({ key, objective, kind: 'short', prompt, answer: { accepted, caseSensitive: false }, feedback: { correct: o.correct, incorrect: o.incorrect }, hint: o.hint, difficulty: o.difficulty });
  }

  write(file: string, course: { title: string; description: string }): void {
    const out = { format: 'masterly-course/1', course, objectives: this.objectives, items: this.items, content: this.content };
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  }
}
