import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (installed by .ci/run), or the executable named by CHROMIUM_PATH; undefined when absent.
 */
export const CHROMIUM_PATH = (process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']).find((p) =>
  fs.existsSync(p),
);

/**
 * Whether browser tests skip: only when Chromium is absent outside CI. Under CI=true they run and fail, so a CI
 * machine without Chromium cannot pass while silently losing every browser test.
 */
export const skipBrowserTests = ({ chromiumPath, ci } = { chromiumPath: CHROMIUM_PATH, ci: process.env.CI }): boolean =>
  !chromiumPath && ci !== 'true';

/** Launches headless Chromium with the flags this closed network needs (and `extraArgs`). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!CHROMIUM_PATH) {
    throw new Error('Chromium is not installed (apt-get install -y chromium, or set CHROMIUM_PATH); under CI=true browser tests fail instead of skipping');
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
