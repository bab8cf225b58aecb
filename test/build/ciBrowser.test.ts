import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/projectRoot.js';
import { skipBrowserTests } from '../support/chromium.js';

/** Runs one browser test file in a child vitest under CI=true, as if Chromium were not installed. */
const runWithoutChromium = () =>
  promisify(execFile)(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/browser/demo.test.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CHROMIUM_PATH: '/nonexistent/chromium', CI: 'true' },
  }).then(
    ({ stdout }) => ({ code: 0, out: stdout }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: `${err.stdout}${err.stderr}` }),
  );

describe('browser tests without Chromium', () => {
  it('skip on a developer machine but run (and fail) under CI=true', () => {
    expect(skipBrowserTests({ chromiumPath: undefined, ci: undefined })).toBe(true);
    expect(skipBrowserTests({ chromiumPath: undefined, ci: 'true' })).toBe(false);
    expect(skipBrowserTests({ chromiumPath: '/usr/bin/chromium', ci: undefined })).toBe(false);
  });

  it('fail the CI run with a message that says what to install', async () => {
    const ci = await runWithoutChromium();
    expect(ci.code).not.toBe(0);
    expect(ci.out).toContain('Chromium is not installed');
  }, 120_000);
});
