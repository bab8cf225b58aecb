import type { Platform, PlatformRepo } from './ports.js';

/** Every registered platform with its deployments (read fresh, not from the cache). */
export async function listPlatforms(deps: { platforms: PlatformRepo }): Promise<Platform[]> {
  return deps.platforms.listAll();
}
