/**
 * The CLIs run from a build (`node dist/src/cli/<name>.js`, as in the Docker image, which holds dist/ but not
 * src/), not only through tsx: the sources are transpiled file by file into a temporary outDir (esbuild, as tsc
 * would emit them, without the slow type check) and each CLI is run there with node.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const list = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

describe('CLIs built into dist/', () => {
  // Inside the repository, so the built files resolve node_modules as dist/ does.
  let out: string;
  let data: string;
  beforeAll(async () => {
    out = fs.mkdtempSync(path.join(ROOT, '.dist-test-'));
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'masterly-cli-'));
    await build({ entryPoints: [...list(path.join(ROOT, 'src')), ...list(path.join(ROOT, 'config'))], outdir: out, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent' });
  });
  afterAll(() => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  });

  const run = (cli: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [path.join(out, 'src/cli', `${cli}.js`), ...args], {
      cwd: os.tmpdir(),
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: data, DATABASE_URL: `sqlite:${path.join(data, 'masterly.db')}`, ...env },
    });

  it('platform, keys, recompute and fit run with node from the build', () => {
    const add = run('platform', ['add', '--issuer', 'https://lms.example', '--client-id', 'c1', '--auth-url', 'https://lms.example/auth', '--token-url', 'https://lms.example/token', '--jwks-url', 'https://lms.example/jwks', '--deployment', 'd1']);
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    const listed = run('platform', ['list']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('issuer:      https://lms.example');
    const keys = run('keys', ['list']);
    expect(keys.status, keys.stderr).toBe(0);
    expect(keys.stdout).toMatch(/^current /m);
    expect(run('recompute', []).stdout).toContain('nothing to recompute');
    expect(run('fit', []).stdout).toContain('objective(s) fitted');
    expect(run('course', ['list']).stdout).toContain('No courses yet');
  }, 60_000);

  it('privacy and backup run with node from the build', () => {
    const found = run('privacy', ['find', 'nobody']);
    expect(found.status, found.stderr).toBe(0);
    expect(found.stdout).toContain('Nobody matches "nobody".');
    const purge = run('privacy', ['purge', '--dry-run', '--days', '30']);
    expect(purge.status, purge.stderr).toBe(0);
    expect(purge.stdout).toContain('nothing to purge');
    const audit = run('privacy', ['audit']);
    expect(audit.stdout).toMatch(/^id,when,who,course,action,student,details$/m);
    const target = path.join(data, 'backup.db');
    const backup = run('backup', ['--out', target]);
    expect(backup.status, backup.stderr).toBe(0);
    expect(fs.statSync(target).size).toBeGreaterThan(0);
  }, 60_000);

  it('a bad setting is a one-line message naming it and exit code 1, not a stack trace', () => {
    const r = run('platform', ['list'], { SESSION_TTL_SECONDS: 'soon' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('SESSION_TTL_SECONDS');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
