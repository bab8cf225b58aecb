import axe from 'axe-core';
import type { Frame, Page } from 'playwright-core';

/** A WCAG 2.x A/AA violation found by axe-core, reduced to what a failing assertion should show. */
export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) in a page or frame. Evaluating the source through the
 * DevTools protocol is not subject to the page's CSP, so our `script-src 'self'` stays as it is. The source (half a
 * megabyte) goes in once per document: a second run on the same document (another width) reuses it.
 */
export async function axeViolations(target: Page | Frame): Promise<AxeViolation[]> {
  const loaded = await target.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await target.evaluate(axe.source);
  return target.evaluate(async () => {
    // Runs in the browser: the test project has no DOM types, so reach the globals through globalThis.
    const g = globalThis as unknown as { axe: typeof axe; document: Parameters<typeof axe.run>[0] };
    const result = await g.axe.run(g.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) }));
  });
}
