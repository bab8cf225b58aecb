import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Suites whose outcome does not depend on the database dialect: pure domain code, the emulator (its own SQLite),
 * seed data, the build layout, browser and accessibility tests, and outage tests (which start their own databases);
 * then single files that open no database of the suite's dialect (pure functions, presenters, the lint rules, a CLI
 * on its own SQLite file). A file here that starts using the database must leave this list.
 * CI's PostgreSQL pass sets DIALECT_ONLY=true to skip them, as they already ran in the SQLite pass.
 */
export const DIALECT_INDEPENDENT = [
  'test/domain/**',
  'test/devplatform/**',
  'test/seed/**',
  'test/build/**',
  'test/outage/**',
  'test/browser/**',
  'test/lint/**',
  'test/i18n/**',
  'test/e2e/*Browser*',
  'test/web/*Browser*',
  'test/web/*Axe*',
  'test/cli/builtCli.test.ts',
  'test/cli/csv.test.ts',
  'test/config/logFormat.test.ts',
  'test/jobs/every.test.ts',
  'test/jobs/schedules.test.ts',
  'test/lti/addressPolicy.test.ts',
  'test/lti/ags.test.ts',
  'test/lti/roles.test.ts',
  'test/lti/serviceClient.test.ts',
  'test/services/courseFormats.test.ts',
  'test/services/sanitiseSvg.test.ts',
  'test/web/charts.test.ts',
  'test/web/dashboardGrid.test.ts',
  'test/web/diagrams.test.ts',
  'test/web/errors.test.ts',
  'test/web/goalsPresenter.test.ts',
  'test/web/metricsSwitch.test.ts',
  'test/web/requestLog.test.ts',
  'test/web/studentLanguage.test.ts',
];

/**
 * Suites that drive Chromium. CI runs them apart (TEST_PART=browser), after the others (TEST_PART=headless), which it
 * runs on both dialects side by side: focus and frame timings in a browser are the tests a loaded machine breaks.
 * A file that starts Chromium must be listed here (test/build/testParts.test.ts checks).
 */
export const BROWSER = [
  'test/browser/**',
  'test/build/ciBrowser.test.ts',
  'test/e2e/*Browser*',
  'test/web/*Browser*',
  'test/web/*Axe*',
  'test/privacy/privacyPages.test.ts',
  'test/web/timedChecks.test.ts',
];

const part = process.env.TEST_PART;

export default defineConfig({
  test: {
    include: part === 'browser' ? BROWSER.map((g) => (g.endsWith('**') ? `${g}/*.test.ts` : g)) : ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(process.env.DIALECT_ONLY === 'true' ? DIALECT_INDEPENDENT : []), ...(part === 'headless' ? BROWSER : [])],
    // Each test file gets its own database (SQLite in memory, or a fresh PostgreSQL schema).
    pool: 'forks',
    // One worker, a fresh module graph per file (vitest's defaults on 2 cores). Tried on the 2-core CI machine: 2 workers
    // without isolation cut the SQLite pass from ~600 s to 351 s, but a browser test (keyboard, 320 px Spanish student)
    // then timed out in 2 of 2 full runs and the metrics test missed its LMS-call count once; neither fails alone.
    isolate: true,
    // Generous: a guard against hangs, not a speed check (browser tests on a loaded 2-core machine took > 30 s).
    testTimeout: 90_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
