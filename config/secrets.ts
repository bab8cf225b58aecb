import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from './schema.js';

/** The secrets the app runs with: from the environment, or (outside production) generated once into DATA_DIR. */
export interface Secrets {
  cookieSecret: string;
  keyEncryptionKey: Buffer;
  adminToken: string;
  /** True when any of them was generated here rather than given. */
  generated: boolean;
}

/**
 * Resolves secrets. In production every secret must come from the environment (the schema enforces it);
 * elsewhere missing ones are generated into `<DATA_DIR>/secrets.json` (mode 0600, git-ignored) so the demo needs no setup.
 */
export function resolveSecrets(config: Config): Secrets {
  let stored: Partial<Record<'cookieSecret' | 'keyEncryptionKey' | 'adminToken', string>> = {};
  const file = path.resolve(config.DATA_DIR, 'secrets.json');
  const needGenerated = !config.COOKIE_SECRET || !config.KEY_ENCRYPTION_KEY || !config.ADMIN_TOKEN;
  let generated = false;
  if (needGenerated) {
    if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    const fill = (k: keyof typeof stored, make: () => string) => {
      if (!stored[k]) {
        stored[k] = make();
        generated = true;
      }
    };
    fill('cookieSecret', () => randomBytes(32).toString('base64url'));
    fill('keyEncryptionKey', () => randomBytes(32).toString('base64'));
    fill('adminToken', () => randomBytes(24).toString('base64url'));
    if (generated) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    }
  }
  const kek = Buffer.from(config.KEY_ENCRYPTION_KEY ?? (stored.keyEncryptionKey as string), 'base64');
  if (kek.length !== 32) throw new Error('Invalid configuration:\n  KEY_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
  return {
    cookieSecret: config.COOKIE_SECRET ?? (stored.cookieSecret as string),
    keyEncryptionKey: kek,
    adminToken: config.ADMIN_TOKEN ?? (stored.adminToken as string),
    generated,
  };
}
