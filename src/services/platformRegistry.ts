import type { Clock, Platform, PlatformRegistry, PlatformRepo } from './ports.js';

/**
 * Registrations cached in memory for `ttlMs` (logins and launches then cost no registry query);
 * our own services call `invalidate()` after a change, other processes see it within the TTL.
 */
export function createPlatformRegistry(deps: { platforms: PlatformRepo; clock: Clock }, ttlMs = 30_000): PlatformRegistry {
  let cache: { at: number; list: Platform[] } | undefined;
  let loading: Promise<Platform[]> | undefined;
  let generation = 0;

  const all = async (): Promise<Platform[]> => {
    const now = deps.clock.now();
    if (cache && now - cache.at < ttlMs) return cache.list;
    if (!loading) {
      const gen = generation;
      loading = deps.platforms
        .listAll()
        .then((list) => {
          if (gen === generation) cache = { at: deps.clock.now(), list };
          return list;
        })
        .finally(() => {
          loading = undefined;
        });
    }
    return loading;
  };

  return {
    all,
    byIssuer: async (issuer) => (await all()).filter((p) => p.issuer === issuer),
    byId: async (id) => (await all()).find((p) => p.id === id),
    invalidate: () => {
      generation++;
      cache = undefined;
      loading = undefined;
    },
  };
}
