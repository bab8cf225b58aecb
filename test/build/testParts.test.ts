import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER } from '../../vitest.config.js';
import { PROJECT_ROOT } from '../../src/projectRoot.js';

/** Every test file below `dir`, as a path from the project root. */
function testFiles(dir = 'test'): string[] {
  return readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(`${dir}/${e.name}`) : e.name.endsWith('.test.ts') ? [`${dir}/${e.name}`] : [],
  );
}

/** The globs of vitest.config.ts (`**` any path, `*` any name part) as a test of a path. */
const globMatches = (glob: string, file: string) => {
  const part = (p: string) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${glob.split('**').map(part).join('.*')}$`).test(file);
};

describe('CI test parts', () => {
  it('lists every suite that uses Chromium in the browser part (run apart, after the others), and no other', () => {
    const usesBrowser = (f: string) => /^import .* from '[./]*support\/chromium\.js';$/m.test(readFileSync(path.join(PROJECT_ROOT, f), 'utf8'));
    const listed = (f: string) => BROWSER.some((g) => globMatches(g, f));
    const files = testFiles();
    expect(files.filter(usesBrowser).length).toBeGreaterThan(10);
    expect(files.filter((f) => usesBrowser(f) && !listed(f))).toEqual([]);
    expect(files.filter((f) => listed(f) && !usesBrowser(f))).toEqual([]);
  });
});
