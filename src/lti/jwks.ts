import { importJWK, type JWK } from 'jose';
import { LaunchRejected } from '../domain/errors.js';
import type { Clock, Platform } from '../services/ports.js';

/** A verification key as jose returns it from importJWK. */
export type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

interface Entry {
  keys: Map<string, VerifyKey>;
  fetchedAt: number;
}

/** Options of the platform JWKS cache. */
export interface PlatformJwksOptions {
  clock: Clock;
  fetch?: typeof fetch;
  /** How long a fetched key set is trusted without re-fetching. */
  ttlMs?: number;
  /** Minimum time between two re-fetches triggered by unknown kids (stops a kid-spraying client from hammering the LMS). */
  cooldownMs?: number;
  timeoutMs?: number;
}

/** Platform key sets, cached per platform and re-fetched once when a token names an unknown kid. */
export interface PlatformJwks {
  /** The key for `kid`, or LaunchRejected('kid_unknown' | 'jwks_unavailable'). */
  keyFor(platform: Platform, kid: string): Promise<VerifyKey>;
}

/** Creates a JWKS cache (one per app; no module state). */
export function createPlatformJwks(opts: PlatformJwksOptions): PlatformJwks {
  const f = opts.fetch ?? fetch;
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const cooldown = opts.cooldownMs ?? 5_000;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry>>();

  const load = async (platform: Platform): Promise<Entry> => {
    let body: unknown;
    try {
      const res = await f(platform.jwksUrl, {
        headers: { accept: 'application/json', 'user-agent': 'Masterly LTI tool' },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      });
      if (!res.ok) throw new Error(`JWKS answered ${res.status}`);
      body = await res.json();
    } catch (err) {
      throw new LaunchRejected('jwks_unavailable', 'We could not fetch the signing keys of your LMS. Please try again.', { cause: err });
    }
    const list = (body as { keys?: unknown })?.keys;
    const keys = new Map<string, VerifyKey>();
    if (Array.isArray(list)) {
      for (const jwk of list as JWK[]) {
        if (!jwk || typeof jwk.kid !== 'string' || jwk.kty !== 'RSA') continue;
        if (jwk.use && jwk.use !== 'sig') continue;
        try {
          keys.set(jwk.kid, await importJWK({ ...jwk, alg: 'RS256' }, 'RS256'));
        } catch {
          // A malformed key in the set must not hide the good ones.
        }
      }
    }
    const entry = { keys, fetchedAt: opts.clock.now() };
    cache.set(platform.id, entry);
    return entry;
  };

  const refresh = (platform: Platform): Promise<Entry> => {
    const pending = inFlight.get(platform.id);
    if (pending) return pending;
    const p = load(platform).finally(() => inFlight.delete(platform.id));
    inFlight.set(platform.id, p);
    return p;
  };

  return {
    keyFor: async (platform, kid) => {
      const now = opts.clock.now();
      let entry = cache.get(platform.id);
      if (!entry || now - entry.fetchedAt > ttl) entry = await refresh(platform);
      let key = entry.keys.get(kid);
      if (!key && now - entry.fetchedAt >= cooldown) {
        entry = await refresh(platform);
        key = entry.keys.get(kid);
      } else if (!key) {
        const pending = inFlight.get(platform.id);
        if (pending) key = (await pending).keys.get(kid);
      }
      if (!key) throw new LaunchRejected('kid_unknown', 'The launch was signed with a key your LMS does not publish.');
      return key;
    },
  };
}
