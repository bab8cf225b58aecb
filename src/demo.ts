import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { startDevPlatform, type DevPlatform } from './devplatform/index.js';
import type { FoundationServices } from './services/index.js';

/**
 * Demo mode: starts the built-in LMS emulator beside the tool and registers it (once) as a platform,
 * so `npm run demo` is ready to click through. The emulator reaches the tool over HTTP only; this
 * module, like main.ts, is composition code.
 */
export async function startDemo(config: Config, services: FoundationServices, logger: Logger): Promise<DevPlatform> {
  const port = config.DEVPLATFORM_PORT;
  const baseUrl = (config.DEVPLATFORM_URL ?? `${new URL(config.BASE_URL).protocol}//${new URL(config.BASE_URL).hostname}:${port}`).replace(/\/+$/, '');
  const lms = await startDevPlatform({
    port,
    host: config.HOST,
    baseUrl,
    toolUrl: config.BASE_URL,
    dbUrl: `sqlite:${path.resolve(config.DATA_DIR, 'devplatform.db')}`,
    // "Launch Masterly" is a graded activity, as in Moodle: its column shows the activity grade (ADR 0014).
    gradedActivity: true,
    logger: logger.child({ component: 'devplatform' }),
  });
  const reg = lms.registration();
  const known = (await services.listPlatforms()).find((p) => p.issuer === reg.issuer && p.clientId === reg.clientId);
  if (!known) {
    await services.registerPlatform({ ...reg });
    logger.info({ issuer: reg.issuer }, 'registered the LMS emulator as a platform');
  } else {
    for (const deploymentId of reg.deploymentIds.filter((d) => !known.deploymentIds.includes(d))) {
      await services.addDeployment({ platformId: known.id, deploymentId });
    }
  }
  return lms;
}
