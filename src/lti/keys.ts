import { createCipheriv, createDecipheriv, createPrivateKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import type { Clock, PublicJwk, StoredToolKey, ToolKeyRepo, ToolKeyring } from '../services/ports.js';

const generateRsa = promisify(generateKeyPair);

/** Encrypts a private key PEM with AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
export function encryptPrivateKey(pem: string, kek: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  const ct = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** Decrypts what encryptPrivateKey produced; throws when the key or the blob is wrong. */
export function decryptPrivateKey(blob: string, kek: Buffer): string {
  const [v, iv, tag, ct] = blob.split('.');
  if (v !== 'v1' || !iv || !tag || !ct) throw new Error('unrecognised private key format');
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}

/** Generates an RSA-2048 key off the event loop (libuv thread pool) and encrypts its private half. */
export async function generateToolKey(kek: Buffer, status: StoredToolKey['status'], at: number): Promise<StoredToolKey> {
  const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n, e: jwk.e });
  const publicJwk: PublicJwk = { kty: 'RSA', kid, n: jwk.n, e: jwk.e, alg: 'RS256', use: 'sig' };
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  return { kid, publicJwk, privateKeyEnc: encryptPrivateKey(pem, kek), status, createdAt: at };
}

/** Options of the keyring. */
export interface KeyringOptions {
  repo: ToolKeyRepo;
  keyEncryptionKey: Buffer;
  clock: Clock;
  /** Keys are re-read after this long, so a rotation by the CLI reaches running servers. */
  cacheMs?: number;
}

/**
 * The tool's signing keys: current (signs), next (published ahead of rotation), retired (kept, unpublished).
 * Private keys are decrypted only in memory and never logged.
 */
export function createToolKeyring(opts: KeyringOptions): ToolKeyring {
  const cacheMs = opts.cacheMs ?? 60_000;
  let cached: { at: number; keys: StoredToolKey[]; signer?: { kid: string; key: KeyObject } } | undefined;

  const load = async () => {
    const now = opts.clock.now();
    if (!cached || now - cached.at > cacheMs) cached = { at: now, keys: await opts.repo.list() };
    return cached;
  };

  const keyring: ToolKeyring = {
    ensureKeys: async () => {
      const keys = await opts.repo.list();
      if (keys.some((k) => k.status === 'current')) return;
      const at = opts.clock.now();
      const [current, next] = await Promise.all([
        generateToolKey(opts.keyEncryptionKey, 'current', at),
        generateToolKey(opts.keyEncryptionKey, 'next', at),
      ]);
      await opts.repo.insert(keys.some((k) => k.status === 'next') ? [current] : [current, next]);
      cached = undefined;
    },
    publicJwks: async () => {
      const { keys } = await load();
      const order = { current: 0, next: 1, retired: 2 } as const;
      return {
        keys: keys
          .filter((k) => k.status !== 'retired')
          .sort((a, b) => order[a.status] - order[b.status])
          .map((k) => k.publicJwk),
      };
    },
    signJwt: async (payload, signOpts = {}) => {
      const state = await load();
      if (!state.signer) {
        const current = state.keys.find((k) => k.status === 'current');
        if (!current) throw new Error('the tool has no current signing key (run ensureKeys first)');
        state.signer = { kid: current.kid, key: createPrivateKey(decryptPrivateKey(current.privateKeyEnc, opts.keyEncryptionKey)) };
      }
      const now = Math.floor(opts.clock.now() / 1000);
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: state.signer.kid, typ: signOpts.typ ?? 'JWT' })
        .setIssuedAt(now)
        .setExpirationTime(now + (signOpts.expiresInSeconds ?? 300))
        .sign(state.signer.key);
    },
    rotate: async () => {
      const at = opts.clock.now();
      const fresh = await generateToolKey(opts.keyEncryptionKey, 'next', at);
      await opts.repo.rotate(fresh);
      cached = undefined;
      const keys = await opts.repo.list();
      const current = keys.find((k) => k.status === 'current');
      return { current: current?.kid ?? '', next: fresh.kid };
    },
  };
  return keyring;
}
