/**
 * One complete LTI 1.3 launch as a browser + platform would do it, and a bounded closed-loop load of them.
 *
 * A launch: GET the tool's login initiation URL → read the 302/303 to the platform's auth endpoint
 * (state, nonce, redirect_uri) and the tool's cookies → the platform signs an id_token for that nonce
 * → POST id_token + state (form) to redirect_uri with the cookies → follow the tool's post-launch
 * redirects with GET (Masterly: 303 → the person's page, /student or /instructor, or for an instructor of a course
 * without content /instructor/setup; ltijs: 302 → /?ltik=… → its onConnect handler) and require a 200 page
 * that names the launch's course.
 *
 * @see https://www.imsglobal.org/spec/security/v1p0/#openid_connect_launch_flow
 */
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { CookieJar, send, type HttpAnswer } from './launchHttp.js';
import { subjectFor, type BenchPlatform } from './launchPlatform.js';

/** A tool under test, as an LMS admin would register it. */
export interface LaunchTarget {
  /** OIDC third-party login initiation URL. */
  loginUrl: string;
  /** Target link URI sent at login and in the id_token. */
  targetLinkUri: string;
  clientId: string;
  deploymentId: string;
}

/** Where the time of one launch went (milliseconds). `toolMs` excludes platform-side signing. */
export interface LaunchTiming {
  toolMs: number;
  loginMs: number;
  postMs: number;
  landingMs: number;
  signMs: number;
  /** True when the id_token POST answered with a redirect that was followed. */
  followedRedirect: boolean;
  /** GETs after the id_token POST until the page (0 when the POST answered with the page). */
  landingGets: number;
  /** Length of the page the launch ended on. */
  pageBytes: number;
}

/** Raised for a launch that did not complete, with a short reason used to group failures. */
export class LaunchFailed extends Error {
  constructor(readonly step: 'login' | 'auth' | 'launch' | 'landing', detail: string) {
    super(`${step}: ${detail}`);
    this.name = 'LaunchFailed';
  }
}

const expectRedirect = (step: LaunchFailed['step'], a: HttpAnswer): string => {
  if (a.status < 300 || a.status > 399 || !a.location) {
    throw new LaunchFailed(step, `HTTP ${a.status} ${a.body.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  return a.location;
};

/** Runs launch number `n` against `target`: each launch is a fresh browser (its own cookie jar). */
export async function launchOnce(
  agent: http.Agent,
  platform: BenchPlatform,
  target: LaunchTarget,
  n: number,
): Promise<LaunchTiming> {
  const subject = subjectFor(n);
  const jar = new CookieJar();

  // 1. Third-party initiated login (GET), as the LMS's browser redirect would.
  const login = new URL(target.loginUrl);
  const q = login.searchParams;
  q.set('iss', platform.issuer);
  q.set('login_hint', subject.sub);
  q.set('target_link_uri', target.targetLinkUri);
  q.set('client_id', target.clientId);
  q.set('lti_deployment_id', target.deploymentId);
  q.set('lti_message_hint', subject.resourceLinkId);
  let t0 = performance.now();
  const loginAnswer = await send(agent, 'GET', login, {});
  const loginMs = performance.now() - t0;
  jar.take(loginAnswer.setCookies);
  const auth = new URL(expectRedirect('login', loginAnswer), login);

  // 2. The platform's auth endpoint (played here): check the request, sign the id_token for its nonce.
  const p = auth.searchParams;
  const state = p.get('state');
  const nonce = p.get('nonce');
  const redirectUri = p.get('redirect_uri');
  if (!state || !nonce || !redirectUri) throw new LaunchFailed('auth', 'auth request lacks state, nonce or redirect_uri');
  if (p.get('response_type') !== 'id_token' || p.get('scope') !== 'openid' || p.get('login_hint') !== subject.sub) {
    throw new LaunchFailed('auth', 'auth request has wrong response_type, scope or login_hint');
  }
  t0 = performance.now();
  const idToken = await platform.signIdToken(subject, {
    clientId: target.clientId,
    deploymentId: target.deploymentId,
    targetLinkUri: target.targetLinkUri,
    nonce,
  });
  const signMs = performance.now() - t0;

  // 3. form_post of id_token + state to the tool's redirect_uri, with the cookies the login set.
  const launchUrl = new URL(redirectUri);
  t0 = performance.now();
  const postAnswer = await send(
    agent,
    'POST',
    launchUrl,
    { 'content-type': 'application/x-www-form-urlencoded', origin: platform.issuer, ...jar.header() },
    new URLSearchParams({ id_token: idToken, state }).toString(),
  );
  const postMs = performance.now() - t0;
  jar.take(postAnswer.setCookies);

  // 4. The tool's post-launch response: follow its redirects (at most 3) to the page, as a browser would.
  let page = postAnswer;
  let landingMs = 0;
  let landingGets = 0;
  let at = launchUrl;
  const followedRedirect = postAnswer.status >= 300 && postAnswer.status <= 399;
  while (page.status >= 300 && page.status <= 399 && landingGets < 3) {
    at = new URL(expectRedirect(landingGets ? 'landing' : 'launch', page), at);
    t0 = performance.now();
    page = await send(agent, 'GET', at, jar.header());
    landingMs += performance.now() - t0;
    landingGets++;
  }
  if (page.status !== 200) {
    throw new LaunchFailed(followedRedirect ? 'landing' : 'launch', `HTTP ${page.status} ${page.body.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  if (!page.body.includes(subject.contextTitle)) throw new LaunchFailed('landing', 'the post-launch page does not name the launch\'s course');
  return { toolMs: loginMs + postMs + landingMs, loginMs, postMs, landingMs, signMs, followedRedirect, landingGets, pageBytes: page.body.length };
}

/** Figures of one load run. */
export interface LoadResult {
  completed: number;
  failed: number;
  wallMs: number;
  timings: LaunchTiming[];
  /** Failure reasons and how often each occurred. */
  errors: Map<string, number>;
}

/** Bounds of a load run: it stops after `count` launches or `maxMs`, whichever comes first. */
export interface LoadOptions {
  concurrency: number;
  count: number;
  maxMs: number;
  /** First launch number (so warm-up and measured runs use different people's logins). */
  firstN: number;
}

/** Closed loop: `concurrency` workers, each starting its next launch when its last one ends. */
export async function runLoad(opts: LoadOptions, one: (n: number) => Promise<LaunchTiming>): Promise<LoadResult> {
  const timings: LaunchTiming[] = [];
  const errors = new Map<string, number>();
  let issued = 0;
  let failed = 0;
  const start = performance.now();
  const deadline = start + opts.maxMs;
  const worker = async () => {
    while (issued < opts.count && performance.now() < deadline) {
      const n = opts.firstN + issued++;
      try {
        timings.push(await one(n));
      } catch (err) {
        failed++;
        const key = err instanceof LaunchFailed ? err.message.slice(0, 200) : `network: ${(err as Error).message}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { completed: timings.length, failed, wallMs: performance.now() - start, timings, errors };
}

/** Nearest-rank percentile of unsorted values (0 for none). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** Arithmetic mean (0 for none). */
export const mean = (values: number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
