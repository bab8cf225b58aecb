import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlatformCli } from '../../src/cli/platform.js';
import { onPostgres } from '../support/db.js';

describe('npm run platform', () => {
  const dir = path.join(os.tmpdir(), `masterly-cli-${randomBytes(4).toString('hex')}`);
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    let url = `sqlite:${dir}/cli.db`;
    if (onPostgres()) {
      const base = process.env.DATABASE_URL as string;
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`CREATE SCHEMA ${schema}`);
      await c.end();
      url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    }
    env = { DATABASE_URL: url, DATA_DIR: dir, COOKIE_SECRET: 'c'.repeat(32), KEY_ENCRYPTION_KEY: Buffer.alloc(32, 2).toString('base64'), ADMIN_TOKEN: 'a'.repeat(24) };
  });
  afterAll(async () => {
    if (onPostgres()) {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL as string });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPlatformCli(argv, env, (l) => out.push(l), (l) => err.push(l));
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  const addArgs = [
    'add', '--issuer', 'https://canvas.instructure.com', '--client-id', '10000000000001',
    '--auth-url', 'https://sso.canvaslms.com/api/lti/authorize_redirect', '--token-url', 'https://sso.canvaslms.com/login/oauth2/token',
    '--jwks-url', 'https://sso.canvaslms.com/api/lti/security/jwks', '--deployment', '1:abc', '--name', 'Canvas', '--vendor', 'canvas',
  ];

  it('adds, lists and removes a platform', async () => {
    const added = await run(...addArgs);
    expect(added.code).toBe(0);
    expect(added.out).toContain('https://canvas.instructure.com');
    const listed = await run('list', '--json');
    const list = JSON.parse(listed.out) as { id: string; deploymentIds: string[]; vendor: string }[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ deploymentIds: ['1:abc'], vendor: 'canvas' });
    expect((await run('add-deployment', list[0]?.id as string, '2:def')).code).toBe(0);
    expect((await run('list')).out).toContain('1:abc, 2:def');
    expect((await run('remove', list[0]?.id as string)).code).toBe(0);
    expect((await run('list')).out).toContain('No platform is registered.');
  });

  it('exits 1 with a clear message on a duplicate, bad input, an unknown id or command', async () => {
    expect((await run(...addArgs)).code).toBe(0);
    const dup = await run(...addArgs);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('ERR_CONFLICT');
    const bad = await run('add', '--issuer', 'x', '--client-id', 'y', '--auth-url', 'nope', '--token-url', 'nope', '--jwks-url', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('ERR_VALIDATION');
    expect(bad.err).toContain('authUrl');
    const badHost = await run('add', '--issuer', 'x', '--client-id', 'y', '--auth-url', 'https://a;b.example/auth', '--token-url', 'https://a.example/t', '--jwks-url', 'https://a.example/j');
    expect(badHost.code).toBe(1);
    expect(badHost.err).toContain('ERR_VALIDATION');
    expect(badHost.err).toContain('authUrl (must name a valid host');
    const missing = await run('remove', 'no-such-id');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('ERR_NOT_FOUND');
    expect((await run('frobnicate')).code).toBe(1);
    expect((await run('add', '--bogus', 'x')).code).toBe(1);
  });

  it('sets the LMS address (the origin that frames the tool) with --lms-url and set-lms-url', async () => {
    const args = [...addArgs.map((a) => (a === '10000000000001' ? '10000000000002' : a)), '--lms-url', 'https://school.instructure.com/'];
    const added = await run(...args);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain('lms address: https://school.instructure.com');
    const list = JSON.parse((await run('list', '--json')).out) as { id: string; clientId: string; lmsUrl?: string }[];
    const p = list.find((x) => x.clientId === '10000000000002')!;
    expect(p.lmsUrl).toBe('https://school.instructure.com');
    expect((await run('set-lms-url', p.id, 'https://canvas.school.edu')).out).toContain('https://canvas.school.edu');
    const bad = await run('set-lms-url', p.id, 'https://*.instructure.com');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('ERR_VALIDATION');
    expect((await run('set-lms-url', p.id, '')).out).toContain('Cleared');
  });
});
