/**
 * The layer rules of eslint.config.js, checked on small probes: src/lti and src/store implement the services'
 * ports (types only), and only src/lti knows LTI Advantage scope URIs.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
const ruleIdsFor = async (filePath: string, code: string) => (await eslint.lintText(code, { filePath }))[0]?.messages.map((m) => m.ruleId) ?? [];

describe('layer rules', () => {
  it.each(['src/lti/probe.ts', 'src/store/probe.ts'])('%s may import only types from the services', async (file) => {
    expect(await ruleIdsFor(file, "import { systemClock } from '../services/ports.js';\nexport const c = systemClock;\n")).toContain('@typescript-eslint/no-restricted-imports');
    expect(await ruleIdsFor(file, "import type { Clock } from '../services/ports.js';\nexport type C = Clock;\n")).toEqual([]);
  });

  it.each(['src/services/probe.ts', 'src/web/probe.ts', 'src/store/probe.ts'])('%s may not name an LTI Advantage scope', async (file) => {
    expect(await ruleIdsFor(file, "export const s = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';\n")).toContain('no-restricted-syntax');
  });

  it('src/lti names the scopes', async () => {
    expect(await ruleIdsFor('src/lti/probe.ts', "export const s = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';\n")).toEqual([]);
  });
});
