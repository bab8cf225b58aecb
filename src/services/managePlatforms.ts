import { NotFound, ValidationFailed } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import type { NewDeploymentPolicy, PlatformRegistry, PlatformRepo, PlatformStatus } from './ports.js';

/** What the console's platform controls need. */
export interface ManagePlatformsDeps {
  platforms: PlatformRepo;
  registry: PlatformRegistry;
}

const STATUSES: readonly PlatformStatus[] = ['active', 'disabled'];
const POLICIES: readonly NewDeploymentPolicy[] = ['accept', 'hold'];

const invalid = (field: string) => new ValidationFailed(`The ${field} is not one of the choices.`, [{ path: field, message: 'not a choice' }], msg('errors.platformFieldInvalid'));

/** Approves ('active') or turns off ('disabled') a platform's launches. */
export async function setPlatformStatus(deps: ManagePlatformsDeps, input: { platformId: string; status: string }): Promise<void> {
  if (!STATUSES.includes(input.status as PlatformStatus)) throw invalid('status');
  const ok = await deps.platforms.setStatus(input.platformId, input.status as PlatformStatus);
  deps.registry.invalidate();
  if (!ok) throw new NotFound('The platform');
}

/** Chooses what a launch from a deployment id not on the list does: 'accept' (recorded) or 'hold' (until approved). */
export async function setNewDeployments(deps: ManagePlatformsDeps, input: { platformId: string; policy: string }): Promise<void> {
  if (!POLICIES.includes(input.policy as NewDeploymentPolicy)) throw invalid('policy');
  const ok = await deps.platforms.setNewDeployments(input.platformId, input.policy as NewDeploymentPolicy);
  deps.registry.invalidate();
  if (!ok) throw new NotFound('The platform');
}

/** Approves ('active'), turns off ('disabled') or removes ('remove') one deployment of a platform. */
export async function setDeploymentStatus(deps: ManagePlatformsDeps, input: { platformId: string; deploymentId: string; action: string }): Promise<void> {
  const status = input.action === 'active' || input.action === 'disabled' ? input.action : input.action === 'remove' ? null : undefined;
  if (status === undefined) throw invalid('action');
  const ok = await deps.platforms.setDeploymentStatus(input.platformId, input.deploymentId, status);
  deps.registry.invalidate();
  if (!ok) throw new NotFound('The deployment');
}
