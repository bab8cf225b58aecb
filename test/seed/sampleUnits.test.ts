/**
 * The sample units offered at course set-up (seed/*.json): each imports (planCourseImport), is big enough for a real
 * class (≥ 5 objectives, ≥ 60 items, lesson + reteach + enrichment per objective), and every computed answer is
 * recomputed here from the data written in its question, independently of the generators in seed/build/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planCourseImport, type CourseFile } from '../../src/services/importCourse.js';
import { sampleUnits } from '../../src/store/sampleUnits.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../seed/${name}.json`, import.meta.url), 'utf8')) as CourseFile;
type Item = CourseFile['items'][number];
type Numeric = Extract<Item, { kind: 'numeric' }>;

const UNITS = ['fractions', 'statistics', 'forces-motion'];

describe('sample units', () => {
  it('are listed for set-up in order, with their sizes', async () => {
    const list = await sampleUnits().list();
    expect(list.map((u) => u.id)).toEqual(UNITS);
    for (const u of list) expect(u.items).toBeGreaterThanOrEqual(60);
  });

  it.each(UNITS)('%s imports and is complete enough for a class', (name) => {
    const file = load(name);
    const plan = planCourseImport('ctx', file);
    expect(plan.objectives.length).toBeGreaterThanOrEqual(5);
    expect(plan.items.length).toBeGreaterThanOrEqual(60);
    for (const o of file.objectives) {
      const kinds = new Set(file.content.filter((c) => c.objective === o.key).map((c) => c.kind));
      expect([...kinds].sort(), o.key).toEqual(['enrichment', 'lesson', 'reteach']);
      expect(file.items.filter((i) => i.objective === o.key).length, o.key).toBeGreaterThanOrEqual(10);
    }
    for (const it of file.items) {
      expect(it.feedback.correct.trim(), it.key).not.toBe('');
      expect(it.feedback.incorrect.trim(), it.key).not.toBe('');
      expect(it.hint?.trim(), it.key).toBeTruthy();
      if (it.kind === 'numeric') {
        const { value, tolerance } = it.answer;
        // Answerable as asked: the value rounded to one decimal place is accepted, and a lazy 0 is not.
        if (/one decimal place/.test(it.prompt)) expect(Math.abs(Math.round(value * 10) / 10 - value), it.key).toBeLessThanOrEqual(tolerance + 1e-9);
        if (value !== 0) expect(Math.abs(value), it.key).toBeGreaterThan(tolerance);
      }
    }
  });

  it.each(['statistics', 'forces-motion'])('%s: every computed answer is right for the data in its question', (name) => {
    const file = load(name);
    const numeric = file.items.filter((i): i is Numeric => i.kind === 'numeric');
    const checked = numeric.filter((it) => {
      const want = recompute(it);
      if (want === undefined) return false;
      expect(Math.abs(it.answer.value - want), `${it.key}: ${it.answer.value} vs ${want}`).toBeLessThanOrEqual(1e-9);
      return true;
    });
    // Every numeric item is recognised by one of the recomputations below.
    expect(checked.map((i) => i.key)).toEqual(numeric.map((i) => i.key));
    for (const it of file.items) {
      const right = recomputeChoice(it);
      if (right !== undefined && (it.kind === 'mc_single' || it.kind === 'mc_multi')) {
        expect(it.choices.filter((c) => it.answer.includes(c.key)).map((c) => c.text), it.key).toEqual([right]);
      }
    }
  });
});

// ---------------------------------------------------------------- independent recomputation
const nums = (s: string) => s.split(',').map((x) => Number(x.trim()));
const dataOf = (prompt: string): number[] => nums(/`([-\d., ]+)`/.exec(prompt)?.[1] ?? '');
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const mid = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quart = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return { q1: mid(s.slice(0, h)), q3: mid(s.slice(s.length - h)) };
};
const table = (prompt: string) => new Map([...prompt.matchAll(/^\| ([A-Za-z ]+) \| (\d+) \|$/gm)].map((m) => [m[1]!, Number(m[2])]));
const bold = (prompt: string) => [...prompt.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!);
/** "12 m/s", "4.5 kg": the quantities of a question, by unit, in order. */
const quantities = (prompt: string) => {
  const q = new Map<string, number[]>();
  for (const m of prompt.matchAll(/(-?\d+(?:\.\d+)?) (m\/s²|m\/s|km\/h|N\/kg|kg|N|J|s|m)(?![\w/²])/g)) q.set(m[2]!, [...(q.get(m[2]!) ?? []), Number(m[1])]);
  return (unit: string, i = 0) => {
    const v = q.get(unit)?.[i];
    if (v === undefined) throw new Error(`no ${unit} #${i} in: ${prompt}`);
    return v;
  };
};

function recompute(it: Numeric): number | undefined {
  const p = it.prompt;
  const kind = it.key.replace(/-\d+$/, '');
  const xs = dataOf(p);
  switch (kind) {
    case 'ctr-mean':
      return avg(xs);
    case 'ctr-median':
      return mid(xs);
    case 'ctr-mode': {
      const c = new Map<number, number>();
      for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
      const best = Math.max(...c.values());
      const modes = [...c].filter(([, n]) => n === best);
      expect(modes, `${it.key} has one mode`).toHaveLength(1);
      return modes[0]![0];
    }
    case 'spr-range':
      return Math.max(...xs) - Math.min(...xs);
    case 'spr-iqr':
      return quart(xs).q3 - quart(xs).q1;
    case 'spr-q1':
      return quart(xs).q1;
    case 'spr-q3':
      return quart(xs).q3;
    case 'out-newmean':
      return avg([...xs, Number(bold(p)[0])]);
    case 'out-fence': {
      const { q1, q3 } = quart(xs);
      return q3 + 1.5 * (q3 - q1);
    }
    case 'tab-total':
      return [...table(p).values()].reduce((a, b) => a + b, 0);
    case 'tab-more': {
      const t = table(p);
      const [a, b] = bold(p).slice(-2);
      return t.get(a!)! - t.get(b!)!;
    }
    case 'tab-pct': {
      const t = table(p);
      return (t.get(bold(p).at(-1)!)! / [...t.values()].reduce((a, b) => a + b, 0)) * 100;
    }
    case 'prob-bag':
    case 'prob-not': {
      const counts = new Map([...(/holds (.*) counters/.exec(p)?.[1] ?? '').matchAll(/(\d+) ([a-z]+)/g)].map((m) => [m[2]!, Number(m[1])]));
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const target = bold(p)[0]!.replace(/^not /, '');
      const pr = counts.get(target)! / total;
      return kind === 'prob-not' ? 1 - pr : pr;
    }
    case 'prob-expect':
      return Number(/\b0\.\d+/.exec(p)?.[0]) * Number(bold(p)[0]);
  }
  const q = quantities(p);
  switch (kind) {
    case 'spd-speed':
      return q('m') / q('s');
    case 'spd-distance':
      return q('m/s') * q('s');
    case 'spd-time':
      return q('m') / q('m/s');
    case 'spd-kmh':
      return (q('km/h') * 1000) / 3600;
    case 'acc-a':
      return (q('m/s', 1) - q('m/s', 0)) / q('s');
    case 'acc-v':
      return q('m/s') + q('m/s²') * q('s');
    case 'acc-t':
      return (q('m/s', 1) - q('m/s', 0)) / q('m/s²');
    case 'res-opposite':
      return Math.abs(q('N', 0) - q('N', 1));
    case 'res-same':
      return q('N', 0) + q('N', 1);
    case 'n2-force':
      return q('kg') * q('m/s²');
    case 'n2-accel':
      return q('N') / q('kg');
    case 'n2-mass':
      return q('N') / q('m/s²');
    case 'n2-net':
      return (Math.max(q('N', 0), q('N', 1)) - Math.min(q('N', 0), q('N', 1))) / q('kg');
    case 'wt-weight':
    case 'wt-moon':
      return q('kg') * q('N/kg');
    case 'wt-mass':
      return q('N') / q('N/kg');
    case 'wk-work':
      return q('N') * q('m');
    case 'wk-lift':
      return q('kg') * q('N/kg') * q('m');
    case 'wk-power':
      return q('J') / q('s');
  }
  return undefined;
}

/** The text of the right choice of a computed multiple-choice item, or undefined for items written by hand. */
function recomputeChoice(it: Item): string | undefined {
  const kind = it.key.replace(/-\d+$/, '');
  if (kind === 'out-is') {
    const { q1, q3 } = quart(dataOf(it.prompt));
    return Number(bold(it.prompt)[0]) > q3 + 1.5 * (q3 - q1) ? 'Yes' : 'No';
  }
  if (kind === 'res-direction') {
    const q = quantities(it.prompt);
    const [right, left] = [q('N', 0), q('N', 1)];
    return right > left ? 'It accelerates to the right' : right < left ? 'It accelerates to the left' : 'Its velocity does not change (the forces are balanced)';
  }
  return undefined;
}
