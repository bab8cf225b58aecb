/**
 * The Docker image's layout, checked without a Docker engine: the Dockerfile is parsed, and what its runtime stage
 * copies is compared with what the built tool reads from disk (every `projectPath('…')` in src, plus dist,
 * node_modules and package.json). Its HEALTHCHECK command is run as written against a tool configured like the image.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../config/schema.js';
import { PROJECT_ROOT } from '../../src/projectRoot.js';
import { startTestTool, type TestTool } from '../support/tool.js';

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\n/g, ' ').split('\n');
  for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const name = /\bAS\s+(\S+)$/i.exec(args)?.[1];
    if (op.toUpperCase() === 'FROM') stages.push({ ...(name ? { name } : {}), instructions: [] });
    stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const words = (args: string): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/));
const normal = (p: string): string => path.posix.normalize(p).replace(/^\.\//, '').replace(/\/$/, '');

/** Project-relative paths a stage holds under its WORKDIR: `COPY a b ./`, `COPY dir ./dir`, `COPY --from=s /w/x ./x`. */
function copiedPaths(stage: Stage, stages: Stage[]): string[] {
  const workdirOf = (s: Stage | undefined) => s?.instructions.filter((i) => i.op === 'WORKDIR').at(-1)?.args ?? '/';
  const out: string[] = [];
  for (const { args } of stage.instructions.filter((i) => i.op === 'COPY')) {
    const parts = words(args);
    const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
    const [dest = '', ...sources] = parts.filter((p) => !p.startsWith('--')).reverse();
    const fromDir = from ? workdirOf(stages.find((s) => s.name === from)) : '';
    for (const src of sources.reverse()) {
      const rel = from ? normal(path.posix.relative(fromDir, src)) : normal(src);
      // `COPY a b ./` keeps the names; `COPY src ./name` renames, which this layout never needs.
      expect(dest.endsWith('/') || normal(dest) === rel, `COPY ${args}: ${src} lands at ${dest}`).toBe(true);
      out.push(rel);
    }
  }
  return out;
}

/** The top-level entries the tool resolves with projectPath('…') anywhere in src. */
function projectPathsInSource(): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of fs.readFileSync(p, 'utf8').matchAll(/projectPath\(\s*'([^']+)'/g)) found.add(normal(m[1] as string).split('/')[0] as string);
    }
  };
  walk(path.join(PROJECT_ROOT, 'src'));
  return [...found].sort();
}

const dockerfile = parseDockerfile(fs.readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8'));
const runtime = dockerfile.at(-1) as Stage;
const build = dockerfile.find((s) => s.name === 'build') as Stage;
const env = Object.fromEntries(
  runtime.instructions.filter((i) => i.op === 'ENV').flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])),
) as Record<string, string>;
const dockerignore = fs.readFileSync(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => normal(l.trim())).filter(Boolean);

describe('Dockerfile', () => {
  it('finds what the tool reads from disk in src (views, public, seed, package.json)', () => {
    expect(projectPathsInSource()).toEqual(expect.arrayContaining(['package.json', 'public', 'seed', 'views']));
  });

  it('copies into the runtime stage everything the built tool reads at run time, from a context that has it', () => {
    const fromContext = ['package.json', ...projectPathsInSource()];
    expect(copiedPaths(runtime, dockerfile)).toEqual(expect.arrayContaining(['dist', 'node_modules', ...fromContext]));
    for (const p of fromContext) {
      expect(dockerignore, `.dockerignore keeps ${p} out of the build context`).not.toContain(p);
      expect(fs.existsSync(path.join(PROJECT_ROOT, p)), `${p} exists in the project`).toBe(true);
    }
  });

  it('copies into the build stage everything `npm run build` compiles', () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'tsconfig.build.json'), 'utf8')) as { extends?: string; include: string[] };
    const needed = ['package.json', 'package-lock.json', 'tsconfig.build.json', ...(tsconfig.extends ? [normal(tsconfig.extends)] : []), ...tsconfig.include.map(normal)];
    expect(copiedPaths(build, dockerfile)).toEqual(expect.arrayContaining(needed));
  });

  it('starts the same built entry point as `npm start`, and that entry point is compiled from src', () => {
    const cmd = words(runtime.instructions.filter((i) => i.op === 'CMD').at(-1)?.args ?? '[]');
    const script = cmd.find((w) => w.endsWith('.js')) ?? '';
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(cmd.join(' '));
    expect(script).toMatch(/^dist\//);
    expect(fs.existsSync(path.join(PROJECT_ROOT, script.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
  });

  it('gives the runtime user a writable DATA_DIR (the default SQLite file lives there)', () => {
    const user = runtime.instructions.filter((i) => i.op === 'USER').at(-1)?.args;
    const dataDir = normal(env.DATA_DIR ?? ConfigSchema.parse({}).DATA_DIR);
    const runs = runtime.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((r) => r.includes(`mkdir -p ${dataDir}`) && r.includes(`chown ${user}:${user} ${dataDir}`)), runs.join('\n')).toBe(true);
    expect(ConfigSchema.parse({}).DATABASE_URL).toBe(`sqlite:./${dataDir}/masterly.db`);
  });

  it('runs in production, listening on every interface on the port it exposes', () => {
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(runtime.instructions.filter((i) => i.op === 'EXPOSE').map((i) => i.args)).toEqual([env.PORT]);
  });

  describe('HEALTHCHECK, run as written against a tool configured like the image', () => {
    const healthcheck = runtime.instructions.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
    const command = /\bCMD\s+(.*)$/.exec(healthcheck)?.[1] ?? '';
    const run = (port: number) => promisify(execFile)('sh', ['-c', command], { env: { PATH: process.env.PATH, PORT: String(port) } });
    let tool: TestTool | undefined;
    beforeAll(async () => {
      tool = await startTestTool({ env: { NODE_ENV: env.NODE_ENV ?? '', HOST: env.HOST ?? '' } });
    });
    afterAll(async () => {
      await tool?.close();
    });

    it('passes while the tool is healthy and fails once it is gone', async () => {
      const running = tool as TestTool;
      expect(command).toContain('/healthz');
      await expect(run(running.config.PORT)).resolves.toBeDefined();
      tool = undefined;
      await running.close();
      await expect(run(running.config.PORT)).rejects.toMatchObject({ code: 1 });
    });
  });
});
