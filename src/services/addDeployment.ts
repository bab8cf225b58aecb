import { NotFound, ValidationFailed } from '../domain/errors.js';
import type { PlatformAdminDeps } from './registerPlatform.js';
import { msg } from '../domain/message.js';

/** Adds a deployment id to a platform's allow-list (idempotent). */
export async function addDeployment(deps: PlatformAdminDeps, input: { platformId: string; deploymentId: string }): Promise<void> {
  const deploymentId = input.deploymentId.trim();
  if (!deploymentId) throw new ValidationFailed('The deployment ID is required.', [{ path: 'deploymentId', message: 'required' }], msg('errors.deploymentRequired'));
  if (!(await deps.platforms.listAll()).some((p) => p.id === input.platformId)) throw new NotFound('The platform');
  await deps.platforms.addDeployment(input.platformId, deploymentId, deps.clock.now());
  deps.registry.invalidate();
}
