import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptPrivateKey } from '../../src/lti/keys.js';
import { runKeysCli } from '../../src/cli/keys.js';
import { startTestTool, type TestTool } from '../support/tool.js';

describe('tool keys and JWKS', () => {
  let tool: TestTool;
  beforeAll(async () => {
    tool = await startTestTool();
  });
  afterAll(async () => tool?.close());

  const jwks = async () => {
    const res = await fetch(`${tool.config.BASE_URL}/.well-known/jwks.json`);
    return { res, body: (await res.json()) as { keys: Record<string, unknown>[] } };
  };

  it('creates a current and a next RSA key on first start and serves both, cacheable, without private material', async () => {
    const { res, body } = await jwks();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('max-age=300');
    expect(body.keys).toHaveLength(2);
    for (const k of body.keys) {
      expect(k).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(Buffer.from(k.n as string, 'base64url').length).toBe(256); // 2048 bits
      for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(priv);
    }
  });

  it('stores private keys encrypted (no PEM at rest), decryptable only with the key-encryption key', async () => {
    const rows = await tool.db.kysely.selectFrom('tool_keys').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(r.private_key_enc).not.toContain('PRIVATE KEY');
      expect(r.private_key_enc.startsWith('v1.')).toBe(true);
      expect(() => decryptPrivateKey(r.private_key_enc, Buffer.alloc(32, 7))).toThrow();
      expect(decryptPrivateKey(r.private_key_enc, Buffer.from(tool.config.KEY_ENCRYPTION_KEY as string, 'base64'))).toContain('PRIVATE KEY');
    }
  });

  it('signs JWTs with the current key, verifiable against the published JWKS', async () => {
    const token = await tool.services.signJwt({ iss: 'masterly', sub: 'x' }, { expiresInSeconds: 60 });
    const { body } = await jwks();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(body as never));
    expect(payload.sub).toBe('x');
    expect(protectedHeader.kid).toBe(body.keys[0]?.kid);
  });

  it('rotates: next becomes current, current retires, a new next is published', async () => {
    const before = (await jwks()).body.keys.map((k) => k.kid);
    const r = await tool.keys.rotate();
    expect(r.current).toBe(before[1]);
    const after = (await jwks()).body.keys.map((k) => k.kid);
    expect(after).toEqual([before[1], r.next]);
    const token = await tool.services.signJwt({ sub: 'y' });
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet((await jwks()).body as never));
    expect(protectedHeader.kid).toBe(before[1]);
    const statuses = await tool.db.kysely.selectFrom('tool_keys').select(['kid', 'status']).execute();
    expect(statuses.find((s) => s.kid === before[0])?.status).toBe('retired');
  });

  it('rotates through `npm run keys -- rotate` on a configured database', async () => {
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = path.join(os.tmpdir(), `masterly-keys-${process.pid}-${Date.now()}`);
    const env = { DATABASE_URL: `sqlite:${dir}/k.db`, KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), COOKIE_SECRET: 'x'.repeat(32), ADMIN_TOKEN: 'y'.repeat(24), DATA_DIR: dir };
    const lines: string[] = [];
    expect(await runKeysCli(['list'], env, (l) => lines.push(l))).toBe(0);
    const first = lines.filter((l) => l.startsWith('current')).join();
    lines.length = 0;
    expect(await runKeysCli(['rotate'], env, (l) => lines.push(l))).toBe(0);
    expect(lines.some((l) => l.startsWith('retired'))).toBe(true);
    expect(lines.join('\n')).not.toContain('PRIVATE');
    expect(lines.filter((l) => l.startsWith('current')).join()).not.toBe(first);
    expect(await runKeysCli(['bogus'], env, () => {}, () => {})).toBe(1);
    // The rotation is in the audit log, as done by the operator.
    const { runPrivacyCli } = await import('../../src/cli/privacy.js');
    const audit: string[] = [];
    expect(await runPrivacyCli(['audit'], env, (l) => audit.push(l))).toBe(0);
    expect(audit.join('\n')).toMatch(/Operator \(command line\),,Tool keys rotated,,current=/);
  });
});
