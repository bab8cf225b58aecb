import type { webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload, type JSONWebKeySet, type JWTVerifyOptions } from 'jose';
import { getMeta, setMeta, type DpDb } from './db.js';

/** The platform's signing key: generated on first start and kept in `dp_meta`. */
export interface PlatformKey {
  kid: string;
  privateKey: webcrypto.CryptoKey;
  publicJwk: JWK;
  /** SPKI PEM of the public key (tests use it as an HS256 secret to try algorithm confusion). */
  publicPem: string;
}

/** Loads the platform key from the database, creating it on first start. */
export async function loadOrCreatePlatformKey(db: DpDb): Promise<PlatformKey> {
  const stored = await getMeta(db, 'private_jwk');
  if (stored) {
    const jwk = JSON.parse(stored) as JWK;
    return fromPrivateJwk(jwk);
  }
  const key = await newRsaKey();
  await setMeta(db, 'private_jwk', JSON.stringify(await exportJWK(key.privateKey)));
  return key;
}

/** The platform's keys: the current signing key plus the public halves of earlier ones (still on the JWKS). */
export interface PlatformKeySet {
  current: PlatformKey;
  /** Public JWKs of keys that signed before a rotation, oldest first. */
  previous: JWK[];
}

/** Loads the current key and the earlier public keys (creating the first key on first start). */
export async function loadPlatformKeySet(db: DpDb): Promise<PlatformKeySet> {
  const current = await loadOrCreatePlatformKey(db);
  const stored = await getMeta(db, 'previous_public_jwks');
  return { current, previous: stored ? (JSON.parse(stored) as JWK[]) : [] };
}

/**
 * Rotates the platform key as an LMS does: a new key signs from now on, and the JWKS keeps serving the old
 * public key beside it (tools holding tokens signed before the rotation can still verify them). Persisted.
 */
export async function rotatePlatformKey(db: DpDb, set: PlatformKeySet): Promise<PlatformKeySet> {
  const next = await newRsaKey();
  const previous = [...set.previous, set.current.publicJwk];
  const privateJwk = JSON.stringify(await exportJWK(next.privateKey));
  await db.transaction().execute(async (tx) => {
    await setMeta(tx, 'private_jwk', privateJwk);
    await setMeta(tx, 'previous_public_jwks', JSON.stringify(previous));
  });
  return { current: next, previous };
}

/** A fresh RS256 key pair with a thumbprint kid. */
export async function newRsaKey(prefix = ''): Promise<PlatformKey> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const key = await fromPrivateJwk(jwk);
  return prefix ? { ...key, kid: prefix + key.kid, publicJwk: { ...key.publicJwk, kid: prefix + key.kid } } : key;
}

async function fromPrivateJwk(jwk: JWK): Promise<PlatformKey> {
  const publicJwk: JWK = { kty: jwk.kty, n: jwk.n, e: jwk.e };
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateKey = (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256', { extractable: true })) as webcrypto.CryptoKey;
  const publicKey = (await importJWK({ ...publicJwk, alg: 'RS256' }, 'RS256', { extractable: true })) as webcrypto.CryptoKey;
  return {
    kid,
    privateKey,
    publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
    publicPem: await exportSPKI(publicKey),
  };
}

/**
 * The tool's JWKS, fetched over HTTP and cached per client; refetched once when a signature does not verify
 * (as Moodle does), so a tool may rotate keys at any time.
 */
export interface ToolKeys {
  verify(jwt: string, options: JWTVerifyOptions): Promise<JWTPayload>;
}

/** Creates the tool-key cache for one emulator instance. */
export function createToolKeys(jwksUrl: string, fetchFn: typeof fetch = fetch): ToolKeys {
  let cached: JSONWebKeySet | undefined;
  const load = async (): Promise<JSONWebKeySet> => {
    const res = await fetchFn(jwksUrl, { headers: { accept: 'application/json', 'user-agent': 'Masterly-devplatform' } });
    if (!res.ok) throw new Error(`tool JWKS answered ${res.status}`);
    cached = (await res.json()) as JSONWebKeySet;
    return cached;
  };
  return {
    async verify(jwt, options) {
      const fresh = !cached;
      const jwks = cached ?? (await load());
      try {
        return (await jwtVerify(jwt, createLocalJWKSet(jwks), options)).payload;
      } catch (err) {
        if (fresh || !isKeyProblem(err)) throw err;
        return (await jwtVerify(jwt, createLocalJWKSet(await load()), options)).payload;
      }
    },
  };
}

const isKeyProblem = (err: unknown): boolean => {
  const code = (err as { code?: string }).code;
  return code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS';
};
