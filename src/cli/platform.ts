/**
 * `npm run platform -- add --issuer … --client-id … --auth-url … --token-url … --jwks-url … --deployment … [--name …] [--vendor canvas|moodle]`
 * `npm run platform -- list`
 * `npm run platform -- remove <id>`
 * `npm run platform -- add-deployment <id> <deployment-id>`
 * `npm run platform -- set-lms-url <id> <url>` (the LMS address allowed to frame the tool; '' clears it)
 *
 * Opens the database from DATABASE_URL (via config), migrates, and prints clear errors with exit code 1.
 */
import { parseArgs } from 'node:util';
import { isEntryPoint, withComposition } from './common.js';
import { ValidationFailed } from '../domain/errors.js';
import type { Platform, Vendor } from '../services/ports.js';

const USAGE = `Usage:
  npm run platform -- add --issuer <iss> --client-id <id> --auth-url <url> --token-url <url> --jwks-url <url> --deployment <id> [--deployment <id>…] [--name <name>] [--vendor canvas|moodle|generic] [--lms-url <https://school.instructure.com>]
  npm run platform -- list [--json]
  npm run platform -- remove <platform-id>
  npm run platform -- add-deployment <platform-id> <deployment-id>
  npm run platform -- set-lms-url <platform-id> <url>   (the LMS address allowed to frame Masterly; '' clears it)`;

const describe = (p: Platform) =>
  [
    `${p.id}  ${p.name} (${p.vendor})`,
    `  issuer:      ${p.issuer}`,
    `  client id:   ${p.clientId}`,
    `  auth url:    ${p.authUrl}`,
    `  token url:   ${p.tokenUrl}`,
    `  jwks url:    ${p.jwksUrl}`,
    `  deployments: ${p.deploymentIds.join(', ') || '(none: launches will be refused)'}`,
    `  lms address: ${p.lmsUrl ?? '(not set: learned from launches)'}`,
  ].join('\n');

/** Runs the CLI with `argv` (without node and script); returns the exit code. Exported for tests. */
export async function runPlatformCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void = (l) => console.log(l),
  err: (line: string) => void = (l) => console.error(l),
): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    out(USAGE);
    return command ? 0 : 1;
  }
  return withComposition(
    env,
    err,
    async ({ services }) => {
      if (command === 'add') {
        const { values } = parseArgs({
          args: rest,
          options: {
            issuer: { type: 'string' },
            'client-id': { type: 'string' },
            'auth-url': { type: 'string' },
            'token-url': { type: 'string' },
            'jwks-url': { type: 'string' },
            deployment: { type: 'string', multiple: true },
            name: { type: 'string' },
            vendor: { type: 'string' },
            'lms-url': { type: 'string' },
          },
          strict: true,
        });
        const p = await services.registerPlatform({
          issuer: values.issuer ?? '',
          clientId: values['client-id'] ?? '',
          authUrl: values['auth-url'] ?? '',
          tokenUrl: values['token-url'] ?? '',
          jwksUrl: values['jwks-url'] ?? '',
          deploymentIds: values.deployment ?? [],
          ...(values.name ? { name: values.name } : {}),
          ...(values.vendor ? { vendor: values.vendor as Vendor } : {}),
          ...(values['lms-url'] ? { lmsUrl: values['lms-url'] } : {}),
        });
        out(`Registered platform:\n${describe(p)}`);
        return 0;
      }
      if (command === 'list') {
        const list = await services.listPlatforms();
        if (rest.includes('--json')) out(JSON.stringify(list, null, 2));
        else out(list.length ? list.map(describe).join('\n\n') : 'No platform is registered.');
        return 0;
      }
      if (command === 'remove') {
        const id = rest[0];
        if (!id) throw new ValidationFailed('Give the id of the platform to remove (see `npm run platform -- list`).');
        await services.removePlatform(id);
        out(`Removed platform ${id}.`);
        return 0;
      }
      if (command === 'add-deployment') {
        const [id, deploymentId] = rest;
        if (!id || !deploymentId) throw new ValidationFailed('Give the platform id and the deployment id.');
        await services.addDeployment({ platformId: id, deploymentId });
        out(`Added deployment ${deploymentId} to platform ${id}.`);
        return 0;
      }
      if (command === 'set-lms-url') {
        const [id, lmsUrl] = rest;
        if (!id || lmsUrl === undefined) throw new ValidationFailed('Give the platform id and the LMS address (or \'\' to clear it).');
        const set = await services.setLmsAddress({ platformId: id, lmsUrl });
        out(set ? `LMS address of platform ${id}: ${set}.` : `Cleared the LMS address of platform ${id}.`);
        return 0;
      }
      err(`Unknown command "${command}".\n${USAGE}`);
      return 1;
    },
    // A bad flag gets the usage; everything else the default one-line message with its code.
    (e) => (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? `${e.message}\n${USAGE}` : undefined),
  );
}

if (isEntryPoint(import.meta.filename)) process.exitCode = await runPlatformCli(process.argv.slice(2), process.env);
