import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Suites whose outcome does not depend on the database dialect: pure domain code, the emulator (its own SQLite),
 * seed data, the build layout, browser and accessibility tests, and outage tests (which start their own databases).
 * CI's PostgreSQL pass sets DIALECT_ONLY=true to skip them, as they already ran in the SQLite pass.
 */
export const DIALECT_INDEPENDENT = [
  'test/domain/**',
  'test/devplatform/**',
  'test/seed/**',
  'test/build/**',
  'test/outage/**',
  'test/browser/**',
  'test/e2e/*Browser*',
  'test/web/*Axe*',
];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(process.env.DIALECT_ONLY === 'true' ? DIALECT_INDEPENDENT : [])],
    // Each test file gets its own database (SQLite in memory, or a fresh PostgreSQL schema).
    pool: 'forks',
    // Generous: a guard against hangs, not a speed check (browser tests on a loaded 2-core machine took > 30 s).
    testTimeout: 90_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
