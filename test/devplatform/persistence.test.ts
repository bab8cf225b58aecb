import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDevPlatform } from '../../src/devplatform/index.js';

describe('devplatform persistence', () => {
  it('keeps its client id, deployment, key and roster across restarts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devplatform-'));
    const dbUrl = `sqlite:${path.join(dir, 'devplatform.db')}`;
    try {
      const first = await startDevPlatform({ toolUrl: 'http://localhost:3000', dbUrl });
      const jwks1 = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
      await first.seedMembers(3);
      const snapshot = { clientId: first.clientId, deploymentId: first.deploymentId, users: first.users.map((u) => u.id) };
      await first.close();

      const second = await startDevPlatform({ toolUrl: 'http://localhost:3000', dbUrl, mode: 'moodle' });
      try {
        expect({ clientId: second.clientId, deploymentId: second.deploymentId, users: second.users.map((u) => u.id) }).toEqual(snapshot);
        expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).json()).toEqual(jwks1);
        expect(second.registration().vendor).toBe('moodle');
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a rotated key and the earlier public key across restarts, and signs with the new kid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devplatform-'));
    const dbUrl = `sqlite:${path.join(dir, 'devplatform.db')}`;
    const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0] as string, 'base64url').toString()) as { kid: string }).kid;
    try {
      const first = await startDevPlatform({ toolUrl: 'http://localhost:3000', dbUrl });
      const oldKid = kidOf(await first.signIdToken({ sub: 'x' }));
      const newKid = await first.rotatePlatformKey();
      expect(newKid).not.toBe(oldKid);
      expect(kidOf(await first.signIdToken({ sub: 'x' }))).toBe(newKid);
      const jwks = (await (await fetch(`${first.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
      expect(first.jwksRequests).toBe(1);
      await first.close();

      const second = await startDevPlatform({ toolUrl: 'http://localhost:3000', dbUrl });
      try {
        expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).json()).toEqual(jwks);
        expect(kidOf(await second.signIdToken({ sub: 'x' }))).toBe(newKid);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs several independent emulators in one process', async () => {
    const a = await startDevPlatform({ toolUrl: 'http://localhost:3000' });
    const b = await startDevPlatform({ toolUrl: 'http://localhost:3000', mode: 'canvas' });
    try {
      expect(a.clientId).not.toBe(b.clientId);
      a.faults.set({ status: 503 });
      expect(b.faults.active).toEqual({});
      expect(a.mode).toBe('generic');
      expect(b.mode).toBe('canvas');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
