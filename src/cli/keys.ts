/**
 * `npm run keys -- rotate`: next→current, current→retired, a new next key (published on the JWKS before it signs).
 * `npm run keys -- list`: kids and statuses (never private material).
 */
import { resolveSecrets } from '../../config/secrets.js';
import { createToolKeyring } from '../lti/keys.js';
import { systemClock } from '../services/ports.js';
import { toolKeyRepo } from '../store/toolKeyRepo.js';
import { isEntryPoint, withConfiguredDb } from './common.js';

/** Runs the keys CLI; returns the exit code. Exported for tests. */
export async function runKeysCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (l) => console.log(l),
  err: (line: string) => void = (l) => console.error(l),
): Promise<number> {
  const [command] = argv;
  if (command !== 'rotate' && command !== 'list') {
    err('Usage: npm run keys -- rotate | list');
    return 1;
  }
  return withConfiguredDb(env, err, async (db, config) => {
    const repo = toolKeyRepo(db.kysely);
    const keyring = createToolKeyring({ repo, keyEncryptionKey: resolveSecrets(config).keyEncryptionKey, clock: systemClock });
    await keyring.ensureKeys();
    if (command === 'rotate') {
      const r = await keyring.rotate();
      out(`Rotated: current ${r.current}, next ${r.next}. Running servers pick it up within a minute.`);
    }
    for (const k of await repo.list()) out(`${k.status.padEnd(8)} ${k.kid}  created ${new Date(k.createdAt).toISOString()}`);
    return 0;
  });
}

if (isEntryPoint(import.meta.filename)) process.exitCode = await runKeysCli(process.argv.slice(2), process.env);
