import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createPlatformJwks } from '../../src/lti/jwks.js';
import type { Platform } from '../../src/services/ports.js';

const platform: Platform = {
  id: 'p1', issuer: 'https://lms.example', clientId: 'c', authUrl: 'https://lms.example/auth', tokenUrl: 'https://lms.example/token',
  jwksUrl: 'https://lms.example/jwks', name: 'LMS', vendor: 'generic', createdAt: 0, deploymentIds: ['1'],
};

async function jwk(kid: string) {
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
}

describe('platform JWKS cache', () => {
  it('fetches once, serves from cache, and re-fetches once when a token names an unknown kid', async () => {
    const a = await jwk('a');
    const b = await jwk('b');
    let published = [a];
    let calls = 0;
    let now = 1_000_000;
    const fetchStub = (async () => {
      calls++;
      return new Response(JSON.stringify({ keys: published }), { headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const cache = createPlatformJwks({ clock: { now: () => new Date(now) }, fetch: fetchStub });
    await cache.keyFor(platform, 'a');
    await cache.keyFor(platform, 'a');
    expect(calls).toBe(1);
    published = [a, b]; // the platform rotated
    now += 10_000;
    await cache.keyFor(platform, 'b');
    expect(calls).toBe(2);
    await expect(cache.keyFor(platform, 'zzz')).rejects.toMatchObject({ reason: 'kid_unknown' });
    expect(calls).toBe(2); // within the cooldown: no hammering the LMS
  });

  it('reports an unreachable JWKS as jwks_unavailable', async () => {
    const failing = (async () => new Response('nope', { status: 500 })) as unknown as typeof fetch;
    const cache = createPlatformJwks({ clock: { now: () => new Date() }, fetch: failing });
    await expect(cache.keyFor(platform, 'a')).rejects.toMatchObject({ code: 'ERR_LAUNCH_REJECTED', reason: 'jwks_unavailable' });
  });
});
