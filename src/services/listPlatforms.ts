import type { CourseAcrossRegistrations, Platform, PlatformRepo } from './ports.js';

/** Every registered platform with its deployments (read fresh, not from the cache). */
export async function listPlatforms(deps: { platforms: PlatformRepo }): Promise<Platform[]> {
  return deps.platforms.listAll();
}

/** The courses the console lists (one per issuer + context id, newest first). */
export async function listCourses(deps: { platforms: PlatformRepo }): Promise<CourseAcrossRegistrations[]> {
  return deps.platforms.listCourses(200);
}
