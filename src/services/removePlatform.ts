import { NotFound } from '../domain/errors.js';
import type { PlatformAdminDeps } from './registerPlatform.js';

/** Removes a platform, its deployments and everything launched through it. */
export async function removePlatform(deps: PlatformAdminDeps, id: string): Promise<void> {
  const removed = await deps.platforms.remove(id);
  deps.registry.invalidate();
  if (!removed) throw new NotFound('The platform');
}
