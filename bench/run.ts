/**
 * `npm run bench -- <name> [name…]`: runs benchmarks and prints figures with their goals.
 * Each benchmark lives in bench/<name>.ts and exports `run(): Promise<BenchReport>`.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The goal, e.g. { op: '<', value: 50 } ; omitted for figures reported for information. */
  goal?: { op: '<' | '<=' | '>' | '>='; value: number };
}
export interface BenchReport {
  title: string;
  figures: BenchFigure[];
  notes?: string[];
}

const meets = (f: BenchFigure) => {
  if (!f.goal) return undefined;
  const { op, value } = f.goal;
  return op === '<' ? f.value < value : op === '<=' ? f.value <= value : op === '>' ? f.value > value : f.value >= value;
};

const here = import.meta.dirname;
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = asked.length ? asked : available;
let failed = 0;
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark "${name}"; available: ${available.join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  const mod = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as { run: () => Promise<BenchReport> };
  const report = await mod.run();
  console.log(`\n== ${report.title}`);
  for (const f of report.figures) {
    const ok = meets(f);
    const goal = f.goal ? `goal ${f.goal.op} ${f.goal.value} ${f.unit}` : '';
    const mark = ok === undefined ? '' : ok ? 'MEETS' : 'MISSES';
    if (ok === false) failed++;
    const v = Number.isInteger(f.value) ? String(f.value) : f.value.toPrecision(4);
    console.log(`  ${f.name.padEnd(44)} ${v.padStart(12)} ${f.unit.padEnd(10)} ${goal.padEnd(24)} ${mark}`);
  }
  for (const n of report.notes ?? []) console.log(`  note: ${n}`);
}
if (failed) console.log(`\n${failed} figure(s) miss their goal.`);
