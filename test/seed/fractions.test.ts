/**
 * Integrity checks for the demo course shipped as seed data (seed/fractions.json).
 * They check structure, references and answer keys; the mathematics is checked by the author.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';

interface SeedChoice {
  key: string;
  text: string;
}
interface SeedObjective {
  key: string;
  title: string;
  description: string;
  prerequisites: string[];
  itemKind: string;
}
interface SeedItem {
  key: string;
  objective: string;
  kind: 'mc_single' | 'mc_multi' | 'numeric' | 'short';
  prompt: string;
  choices?: SeedChoice[];
  answer: unknown;
  feedback: { correct: string; incorrect: string };
  hint?: string;
  difficulty: number;
}
interface SeedContent {
  key: string;
  objective: string;
  kind: 'lesson' | 'reteach' | 'enrichment';
  title: string;
  body: string;
}
interface SeedCourse {
  format: string;
  course: { title: string; description: string };
  objectives: SeedObjective[];
  items: SeedItem[];
  content: SeedContent[];
}

const seedUrl = new URL('../../seed/fractions.json', import.meta.url);
const seed = JSON.parse(readFileSync(seedUrl, 'utf8')) as SeedCourse;

const objectiveKeys = new Set(seed.objectives.map((o) => o.key));
const itemKinds = new Set(['mc_single', 'mc_multi', 'numeric', 'short']);
const contentKinds = new Set(['lesson', 'reteach', 'enrichment']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const nonEmpty = (s: unknown): boolean => typeof s === 'string' && s.trim().length > 0;

function duplicates(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) dup.add(k);
    seen.add(k);
  }
  return [...dup];
}

/** Returns one cycle in the prerequisite graph as a list of keys, or null when it is acyclic. */
function findCycle(objectives: readonly SeedObjective[]): string[] | null {
  const prereqs = new Map(objectives.map((o) => [o.key, o.prerequisites]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): string[] | null => {
    const s = state.get(key);
    if (s === 'done') return null;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, 'visiting');
    stack.push(key);
    for (const p of prereqs.get(key) ?? []) {
      const cycle = visit(p);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(key, 'done');
    return null;
  };
  for (const o of objectives) {
    const cycle = visit(o.key);
    if (cycle) return cycle;
  }
  return null;
}

describe('seed/fractions.json', () => {
  it('has the format tag and a course title and description', () => {
    expect(seed.format).toBe('masterly-course/1');
    expect(nonEmpty(seed.course.title)).toBe(true);
    expect(nonEmpty(seed.course.description)).toBe(true);
  });

  it('has unique keys for objectives, items and content', () => {
    expect(duplicates(seed.objectives.map((o) => o.key))).toEqual([]);
    expect(duplicates(seed.items.map((i) => i.key))).toEqual([]);
    expect(duplicates(seed.content.map((c) => c.key))).toEqual([]);
  });

  it('has objectives with a title, a description and known prerequisites', () => {
    expect(seed.objectives.length).toBeGreaterThanOrEqual(6);
    for (const o of seed.objectives) {
      expect(nonEmpty(o.title), o.key).toBe(true);
      expect(nonEmpty(o.description), o.key).toBe(true);
      expect(isStringArray(o.prerequisites), o.key).toBe(true);
      expect(o.prerequisites, o.key).not.toContain(o.key);
      for (const p of o.prerequisites) expect(objectiveKeys.has(p), `${o.key} -> ${p}`).toBe(true);
    }
  });

  it('has an acyclic prerequisite graph', () => {
    expect(findCycle(seed.objectives)).toBeNull();
  });

  it('detects a cycle when one is introduced (self-check of the cycle finder)', () => {
    const cyclic: SeedObjective[] = [
      { key: 'a', title: 'A', description: 'A', prerequisites: ['c'], itemKind: 'mixed' },
      { key: 'b', title: 'B', description: 'B', prerequisites: ['a'], itemKind: 'mixed' },
      { key: 'c', title: 'C', description: 'C', prerequisites: ['b'], itemKind: 'mixed' },
    ];
    expect(findCycle(cyclic)).toEqual(['a', 'c', 'b', 'a']);
  });

  it('tags every item and content page to an existing objective', () => {
    for (const i of seed.items) expect(objectiveKeys.has(i.objective), i.key).toBe(true);
    for (const c of seed.content) expect(objectiveKeys.has(c.objective), c.key).toBe(true);
  });

  it('has at least 12 items per objective', () => {
    for (const o of seed.objectives) {
      const n = seed.items.filter((i) => i.objective === o.key).length;
      expect(n, o.key).toBeGreaterThanOrEqual(12);
    }
  });

  it('has a lesson, at least one reteach and an enrichment page per objective', () => {
    for (const c of seed.content) {
      expect(contentKinds.has(c.kind), c.key).toBe(true);
      expect(nonEmpty(c.title), c.key).toBe(true);
      expect(nonEmpty(c.body), c.key).toBe(true);
    }
    for (const o of seed.objectives) {
      const kinds = seed.content.filter((c) => c.objective === o.key).map((c) => c.kind);
      expect(kinds.filter((k) => k === 'lesson').length, o.key).toBe(1);
      expect(kinds.filter((k) => k === 'reteach').length, o.key).toBeGreaterThanOrEqual(1);
      expect(kinds.filter((k) => k === 'enrichment').length, o.key).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives every item a known kind, a prompt, feedback, a valid hint and a difficulty in 1000-2000', () => {
    for (const i of seed.items) {
      expect(itemKinds.has(i.kind), i.key).toBe(true);
      expect(nonEmpty(i.prompt), i.key).toBe(true);
      expect(nonEmpty(i.feedback.correct), i.key).toBe(true);
      expect(nonEmpty(i.feedback.incorrect), i.key).toBe(true);
      if (i.hint !== undefined) expect(nonEmpty(i.hint), i.key).toBe(true);
      expect(Number.isFinite(i.difficulty), i.key).toBe(true);
      expect(i.difficulty, i.key).toBeGreaterThanOrEqual(1000);
      expect(i.difficulty, i.key).toBeLessThanOrEqual(2000);
    }
  });

  it('has multiple-choice answers that refer to existing choices', () => {
    for (const i of seed.items.filter((x) => x.kind === 'mc_single' || x.kind === 'mc_multi')) {
      const choices = i.choices ?? [];
      expect(choices.length, i.key).toBeGreaterThanOrEqual(2);
      const choiceKeys = choices.map((c) => c.key);
      expect(duplicates(choiceKeys), i.key).toEqual([]);
      expect(duplicates(choices.map((c) => c.text.trim())), i.key).toEqual([]);
      for (const c of choices) expect(nonEmpty(c.text), `${i.key}/${c.key}`).toBe(true);
      expect(isStringArray(i.answer), i.key).toBe(true);
      const answer = i.answer as string[];
      expect(duplicates(answer), i.key).toEqual([]);
      for (const a of answer) expect(choiceKeys, i.key).toContain(a);
      if (i.kind === 'mc_single') expect(answer.length, i.key).toBe(1);
      else {
        expect(answer.length, i.key).toBeGreaterThanOrEqual(2);
        expect(answer.length, `${i.key}: at least one choice must be wrong`).toBeLessThan(choices.length);
      }
    }
  });

  it('has finite numeric answers with a non-negative tolerance', () => {
    for (const i of seed.items.filter((x) => x.kind === 'numeric')) {
      expect(i.choices, i.key).toBeUndefined();
      expect(isRecord(i.answer), i.key).toBe(true);
      const answer = i.answer as Record<string, unknown>;
      expect(typeof answer.value === 'number' && Number.isFinite(answer.value), i.key).toBe(true);
      expect(typeof answer.tolerance === 'number' && Number.isFinite(answer.tolerance), i.key).toBe(true);
      expect(answer.tolerance as number, i.key).toBeGreaterThanOrEqual(0);
    }
  });

  it('has at least one accepted answer for every short-answer item', () => {
    for (const i of seed.items.filter((x) => x.kind === 'short')) {
      expect(i.choices, i.key).toBeUndefined();
      expect(isRecord(i.answer), i.key).toBe(true);
      const answer = i.answer as Record<string, unknown>;
      expect(isStringArray(answer.accepted), i.key).toBe(true);
      const accepted = answer.accepted as string[];
      expect(accepted.length, i.key).toBeGreaterThanOrEqual(1);
      for (const a of accepted) expect(nonEmpty(a), i.key).toBe(true);
      expect(duplicates(accepted), i.key).toEqual([]);
      expect(typeof answer.caseSensitive, i.key).toBe('boolean');
    }
  });

  it('uses no raw HTML in Markdown', () => {
    const html = /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i;
    const texts = [
      ...seed.items.flatMap((i) => [i.prompt, i.feedback.correct, i.feedback.incorrect, i.hint ?? '', ...(i.choices ?? []).map((c) => c.text)]),
      ...seed.content.flatMap((c) => [c.title, c.body]),
    ];
    for (const t of texts) expect(html.test(t), t.slice(0, 80)).toBe(false);
  });
});
