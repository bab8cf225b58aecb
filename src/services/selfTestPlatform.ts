import { AppError, NotFound } from '../domain/errors.js';
import { msg, type Message } from '../domain/message.js';
import type { AgsEndpoint, Platform, PlatformRepo, RecentLaunch } from './ports.js';

/** One check of the install self-test. */
export type SelfTestCheck = 'approved' | 'deployments' | 'grades' | 'roster' | 'deepLinking' | 'names';

/** Its outcome: passed, failed (with the fix for that LMS), or not known yet (nothing launched). */
export interface SelfTestResult {
  check: SelfTestCheck;
  state: 'ok' | 'fail' | 'unknown';
  /** What was found. */
  said: Message;
  /** What to change in the LMS (failed and unknown checks). */
  fix?: Message;
  /** The LMS's own answer when a token request failed. */
  detail?: string;
}

/** What the self-test needs. */
export interface SelfTestDeps {
  platforms: Pick<PlatformRepo, 'listAll' | 'recentLaunches'>;
  /** Requests a fresh access token for `scopes` from the platform's token endpoint; throws when refused. */
  probeToken(platform: Platform, scopes: readonly string[]): Promise<void>;
  /** The scopes of each service (src/lti knows them). */
  scopes: { grades: readonly string[]; roster: readonly string[] };
  /** Whether an AGS claim lets Masterly sync grades. */
  gradesGranted(ags: AgsEndpoint | null): boolean;
}

const RECENT = 20;

/**
 * The install self-test of one platform: approved, deployments in order, grades (AGS) and roster (NRPS) granted —
 * from the latest launches' claims AND a real access token request per service —, Deep Linking seen, names shared.
 * Each failing check carries the fix written for that LMS (catalogue `registration.selfTest.fix.<check>.<vendor>`).
 */
export async function selfTestPlatform(deps: SelfTestDeps, platformId: string): Promise<{ platform: Platform; results: SelfTestResult[] }> {
  const platform = (await deps.platforms.listAll()).find((p) => p.id === platformId);
  if (!platform) throw new NotFound('The platform');
  const launches = await deps.platforms.recentLaunches(platformId, RECENT);
  const vendor = platform.vendor;
  const fix = (check: SelfTestCheck) => msg(`registration.selfTest.fix.${check}.${vendor}`);
  const said = (check: SelfTestCheck, state: SelfTestResult['state']) => msg(`registration.selfTest.${check}.${state}`);
  const result = (check: SelfTestCheck, state: SelfTestResult['state'], detail?: string): SelfTestResult => ({
    check,
    state,
    said: said(check, state),
    ...(state === 'ok' ? {} : { fix: check === 'approved' || check === 'deployments' ? msg(`registration.selfTest.fix.${check}`) : fix(check) }),
    ...(detail ? { detail } : {}),
  });
  const results: SelfTestResult[] = [];

  results.push(result('approved', (platform.status ?? 'active') === 'active' ? 'ok' : 'fail'));

  const held = (platform.otherDeployments ?? []).filter((d) => d.status === 'pending');
  const stray = launches.some((l) => !platform.deploymentIds.includes(l.deploymentId));
  results.push(result('deployments', platform.deploymentIds.length && !held.length && !stray ? 'ok' : platform.deploymentIds.length || held.length ? 'fail' : 'unknown'));

  const probe = async (scopes: readonly string[]): Promise<string | undefined> => {
    try {
      await deps.probeToken(platform, scopes);
      return undefined;
    } catch (err) {
      return err instanceof AppError ? err.message : 'The token request failed.';
    }
  };
  const resourceLaunches = launches.filter((l) => l.messageType === 'LtiResourceLinkRequest');
  const latest: RecentLaunch | undefined = resourceLaunches[0];
  const service = async (check: 'grades' | 'roster', claimed: (l: RecentLaunch) => boolean, scopes: readonly string[]) => {
    const refused = await probe(scopes);
    if (refused) return result(check, 'fail', refused);
    if (!latest) return result(check, 'unknown');
    return result(check, claimed(latest) ? 'ok' : 'fail');
  };
  results.push(await service('grades', (l) => deps.gradesGranted(l.ags), deps.scopes.grades));
  results.push(await service('roster', (l) => l.nrps, deps.scopes.roster));
  results.push(result('deepLinking', launches.some((l) => l.messageType === 'LtiDeepLinkingRequest') ? 'ok' : 'unknown'));
  results.push(result('names', !launches.length ? 'unknown' : launches.some((l) => l.named) ? 'ok' : 'fail'));
  return { platform, results };
}
