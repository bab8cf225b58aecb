import { z } from 'zod';
import { ValidationFailed, type Issue } from '../domain/errors.js';
import { checkPlatformUrl } from '../domain/platformUrl.js';
import { LmsAddress } from './setLmsAddress.js';
import type { Clock, NewPlatform, Platform, PlatformRegistry, PlatformRepo } from './ports.js';
import { msg, type Message } from '../domain/message.js';

/** A platform endpoint: https with a clean origin (the one rule in domain/platformUrl.ts). */
const platformUrl = z.string().trim().transform((raw, ctx) => {
  const check = checkPlatformUrl(raw);
  if (check.ok) return raw; // as entered: the token URL is also the audience of our client assertions
  ctx.addIssue({ code: 'custom', message: check.message, params: { said: msg(`errors.platformUrl.${check.problem}`) } });
  return z.NEVER;
});

/** A registration as an admin enters it (CLI flags or the admin form). */
export const NewPlatformSchema = z.object({
  issuer: z.string().trim().min(1, 'issuer is required'),
  clientId: z.string().trim().min(1, 'client ID is required'),
  authUrl: platformUrl,
  tokenUrl: platformUrl,
  jwksUrl: platformUrl,
  name: z.string().trim().max(200).optional(),
  vendor: z.enum(['canvas', 'moodle', 'generic']).optional(),
  deploymentIds: z.array(z.string().trim().min(1)).optional(),
  lmsUrl: LmsAddress.optional(),
});

/** What registering and changing platforms needs. */
export interface PlatformAdminDeps {
  platforms: PlatformRepo;
  registry: PlatformRegistry;
  clock: Clock;
  newId: () => string;
}

/** Parses admin input into a NewPlatform or throws ValidationFailed naming each bad field. */
export function parseNewPlatform(input: unknown): NewPlatform {
  const r = NewPlatformSchema.safeParse(input);
  if (!r.success) {
    const issues: Issue[] = r.error.issues.map((i) => {
      const path = i.path.join('.');
      const said = (i as { params?: { said?: Message } }).params?.said ?? msg('errors.platformFieldInvalid');
      return { path, message: i.message, said };
    });
    throw new ValidationFailed(
      `The platform registration is not valid: ${issues.map((i) => `${i.path} (${i.message})`).join(', ')}.`,
      issues,
      msg('errors.platformInvalid', { issues: issues.map((i) => msg('errors.platformIssue', { field: i.path, problem: i.said ?? i.message })) }),
    );
  }
  return r.data;
}

/**
 * Registers an LMS (issuer + client_id) with its deployment allow-list; throws Conflict when it exists.
 *
 * @see https://www.imsglobal.org/spec/lti/v1p3#tool-deployment
 */
export async function registerPlatform(deps: PlatformAdminDeps, input: NewPlatform): Promise<Platform> {
  const p = parseNewPlatform(input);
  const platform: Platform = {
    id: deps.newId(),
    issuer: p.issuer,
    clientId: p.clientId,
    authUrl: p.authUrl,
    tokenUrl: p.tokenUrl,
    jwksUrl: p.jwksUrl,
    name: p.name || new URL(p.authUrl).host,
    vendor: p.vendor ?? 'generic',
    createdAt: deps.clock.now(),
    deploymentIds: [...new Set(p.deploymentIds ?? [])],
    ...(p.lmsUrl ? { lmsUrl: p.lmsUrl } : {}),
  };
  try {
    await deps.platforms.create(platform);
  } finally {
    deps.registry.invalidate();
  }
  return platform;
}
