/**
 * An administrator sets a platform's LMS address: the origin whose pages frame the tool (Canvas: the school's
 * domain, e.g. `https://school.instructure.com` or a custom domain). It is added to CSP `frame-ancestors` at once.
 */
import { z } from 'zod';
import { NotFound, ValidationFailed } from '../domain/errors.js';
import { frameableOrigin } from './frameAncestors.js';
import type { PlatformRegistry, PlatformRepo } from './ports.js';
import { msg } from '../domain/message.js';

const RULE = 'Enter the address of your LMS as https://host (e.g. https://school.instructure.com), without a path.';

/** An LMS address as an administrator types it: an http(s) URL reduced to its origin; empty means none. */
export const LmsAddress = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    if (raw === '') return undefined;
    const origin = frameableOrigin(raw);
    if (origin && /^https?:\/\/[^/]+\/?$/i.test(raw)) return origin;
    ctx.addIssue({ code: 'custom', message: RULE, params: { said: msg('errors.lmsAddress') } });
    return z.NEVER;
  });

/** Sets or clears (empty string) the LMS address of a platform; throws ValidationFailed or NotFound. */
export async function setLmsAddress(deps: { platforms: PlatformRepo; registry: PlatformRegistry }, input: { platformId: string; lmsUrl: string }): Promise<string | undefined> {
  const parsed = LmsAddress.safeParse(input.lmsUrl);
  if (!parsed.success) throw new ValidationFailed(RULE, [{ path: 'lmsUrl', message: RULE, said: msg('errors.lmsAddress') }], msg('errors.lmsAddress'));
  try {
    if (!(await deps.platforms.setLmsUrl(input.platformId, parsed.data ?? null))) throw new NotFound('That platform');
  } finally {
    deps.registry.invalidate();
  }
  return parsed.data;
}
