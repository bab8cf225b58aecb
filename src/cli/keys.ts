/**
 * `npm run keys -- rotate`: next→current, current→retired, a new next key (published on the JWKS before it signs).
 * `npm run keys -- list`: kids and statuses (never private material).
 */
import { isEntryPoint, withComposition } from './common.js';

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
  return withComposition(env, err, async (c) => {
    await c.keys.ensureKeys();
    if (command === 'rotate') {
      const r = await c.keys.rotate();
      await c.audit.record({ action: 'keys_rotated', actor: { kind: 'cli' }, details: { current: r.current, next: r.next } }, c.clock.now());
      out(`Rotated: current ${r.current}, next ${r.next}. Running servers pick it up within a minute.`);
    }
    for (const k of await c.repos.toolKeys.list()) out(`${k.status.padEnd(8)} ${k.kid}  created ${new Date(k.createdAt).toISOString()}`);
    return 0;
  });
}

if (isEntryPoint(import.meta.filename)) process.exitCode = await runKeysCli(process.argv.slice(2), process.env);
