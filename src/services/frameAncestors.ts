/**
 * The origins allowed to frame the tool (CSP `frame-ancestors`), per LMS: the page that frames a launch is the
 * school's LMS, which is not always where the platform's auth endpoint lives.
 *
 * - Canvas: the school's domain (`school.instructure.com` or a custom domain) — the "LMS address" an administrator
 *   set, and origins learned from validated launches (`launch_presentation.return_url`, the `$Canvas.api.domain`
 *   custom variable as `canvas_api_domain`). Never the auth host (`sso.canvaslms.com`), the issuer, nor a wildcard
 *   over `*.instructure.com` unless the operator writes one in FRAME_ANCESTORS.
 * - Moodle: the site URL, which is the issuer (and the auth URL's origin).
 * - Other platforms: the issuer and auth URL origins, as before, plus the LMS address and learned origins.
 *
 * Learned origins are bounded and come only from launches that passed every check (signature first): at most
 * {@link MAX_LEARNED_PER_PLATFORM} per platform, http(s) origins with a plain host name only.
 *
 * @see https://www.w3.org/TR/CSP3/#directive-frame-ancestors
 */
import type { Clock, Platform, VerifiedLaunch } from './ports.js';

/** Learned origins kept per platform. */
export const MAX_LEARNED_PER_PLATFORM = 20;

/** Storage of learned origins (src/store/frameOriginRepo.ts). */
export interface FrameOriginRepo {
  /** Every learned origin. */
  list(): Promise<Array<{ platformId: string; origin: string }>>;
  /** Adds an origin unless the platform already has `max` of them; true when it is stored (added now or before). */
  add(platformId: string, origin: string, at: number, max: number): Promise<boolean>;
}

/** What the frame-ancestors list needs. */
export interface FrameAncestorsDeps {
  /** Every registered platform (the registry's cached list). */
  platforms: () => Promise<Platform[]>;
  origins: FrameOriginRepo;
  /** FRAME_ANCESTORS: extra sources the operator chose (may include wildcards). */
  extra: readonly string[];
  clock: Clock;
  log?: (level: 'info' | 'warn', msg: string, data: Record<string, unknown>) => void;
}

/** The live list: read per request, refreshed when platforms change, extended by launches. */
export interface FrameAncestors {
  /** The current list; the same array until it changes (the security headers are reused by identity). */
  current(): readonly string[];
  /** Recomputes from the platforms and the stored origins. */
  refresh(): Promise<void>;
  /** Learns the framing origin of a launch that passed every check (no-op when known, foreign or over the cap). */
  learnFromLaunch(launch: VerifiedLaunch): Promise<void>;
}

/** A plain http(s) host name or IPv4/IPv6 literal, optional port: nothing a CSP source list could misread. */
const ORIGIN = /^https?:\/\/(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/** The origin of an http(s) URL, or undefined when it is not one a CSP could safely list. */
export function frameableOrigin(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 2048) return undefined;
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return undefined;
  }
  return ORIGIN.test(origin) ? origin : undefined;
}

/**
 * The origin a validated launch says frames it: its return URL's (on the school's LMS domain), else Canvas's API
 * domain (`canvas_api_domain: $Canvas.api.domain` in our Canvas configuration; Canvas is https only).
 */
export function launchFrameOrigins(launch: VerifiedLaunch): string[] {
  const presentation = launch.extra.launchPresentation as { return_url?: unknown } | undefined;
  const fromReturn = frameableOrigin(presentation?.return_url);
  if (fromReturn) return [fromReturn];
  const custom = launch.extra.custom as { canvas_api_domain?: unknown } | undefined;
  const domain = custom?.canvas_api_domain;
  // An unsubstituted variable arrives as the literal "$Canvas.api.domain": the host check refuses it.
  const fromDomain = typeof domain === 'string' && !/[/@?#\\]/.test(domain) ? frameableOrigin(`https://${domain}`) : undefined;
  return fromDomain ? [fromDomain] : [];
}

/** The configured origins of one platform (without learned ones): see the module comment. */
export function platformFrameOrigins(p: Platform): string[] {
  const configured = [p.lmsUrl, ...(p.vendor === 'canvas' ? [] : [p.issuer, p.authUrl])];
  return configured.map(frameableOrigin).filter((o): o is string => o !== undefined);
}

/** Builds the live frame-ancestors list. */
export function createFrameAncestors(deps: FrameAncestorsDeps): FrameAncestors {
  let list: readonly string[] = [...deps.extra];
  let platformIds = new Set<string>();
  const learned = new Map<string, Set<string>>();
  // Refreshes may overlap (each registration change starts one): only the latest one applies its result.
  let generation = 0;

  const rebuild = (platforms: Platform[]): void => {
    const next = new Set<string>();
    for (const p of platforms) {
      for (const o of platformFrameOrigins(p)) next.add(o);
      for (const o of learned.get(p.id) ?? []) next.add(o);
    }
    for (const e of deps.extra) next.add(e);
    const nextList = [...next];
    if (nextList.length !== list.length || nextList.some((o, i) => o !== list[i])) list = nextList;
  };

  return {
    current: () => list,
    async refresh() {
      const mine = ++generation;
      const [platforms, stored] = await Promise.all([deps.platforms(), deps.origins.list()]);
      if (mine !== generation) return;
      platformIds = new Set(platforms.map((p) => p.id));
      learned.clear();
      for (const { platformId, origin } of stored) {
        if (!frameableOrigin(origin)) continue;
        const set = learned.get(platformId) ?? new Set<string>();
        set.add(origin);
        learned.set(platformId, set);
      }
      rebuild(platforms);
    },
    async learnFromLaunch(launch) {
      const known = learned.get(launch.platformId) ?? new Set<string>();
      const fresh = launchFrameOrigins(launch).filter((o) => !known.has(o) && !list.includes(o));
      if (!fresh.length || !platformIds.has(launch.platformId)) return;
      try {
        await learn(launch.platformId, known, fresh);
      } catch (err) {
        // Never fail a valid launch for this: the page may then be refused framing, the LMS address setting fixes it.
        deps.log?.('warn', 'frame origin could not be stored', { platformId: launch.platformId, err });
      }
    },
  };

  async function learn(platformId: string, known: Set<string>, fresh: string[]): Promise<void> {
    for (const origin of fresh) {
      if (known.size >= MAX_LEARNED_PER_PLATFORM) {
        deps.log?.('warn', 'frame origin not learned: the platform has the most learned origins allowed; set its LMS address', {
          platformId,
          origin,
          max: MAX_LEARNED_PER_PLATFORM,
        });
        break;
      }
      if (!(await deps.origins.add(platformId, origin, deps.clock.now(), MAX_LEARNED_PER_PLATFORM))) continue;
      known.add(origin);
      deps.log?.('info', 'frame origin learned from a validated launch', { platformId, origin });
    }
    learned.set(platformId, known);
    rebuild(await deps.platforms());
  }
}
