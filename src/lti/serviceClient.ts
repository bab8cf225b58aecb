/**
 * The one connector for LTI Advantage service calls: OAuth 2 client_credentials with a private_key_jwt
 * assertion signed by the tool's current key, a token cache per platform and scope set, one retry on 401,
 * `User-Agent` on every request, timeouts, Link header paging, and classified errors.
 *
 * @see https://www.imsglobal.org/spec/security/v1p0/#using-json-web-tokens-with-oauth-2-0-client-credentials-grant
 */
import { LmsRejected, LmsUnavailable } from '../domain/errors.js';
import type { Clock } from '../services/ports.js';
import type { ServiceTarget } from '../services/servicePorts.js';
import { createAddressGuard, untrustedCause, type AddressGuard } from './addressPolicy.js';
import { msg } from '../domain/message.js';

/** What the client needs from the tool keyring (no live launch required). */
export interface AssertionSigner {
  signJwt(payload: Record<string, unknown>, opts?: { expiresInSeconds?: number; typ?: string }): Promise<string>;
}

export interface ServiceClientOptions {
  signer: AssertionSigner;
  /** e.g. `Masterly/0.1.0`; Canvas answers 403 to API calls without a User-Agent. */
  userAgent: string;
  /** Replaces every HTTP call (tokens and services); service URLs are still checked, but not pinned. */
  fetch?: typeof fetch;
  /** Injected clock (epoch ms); the wall clock by default. */
  clock?: Clock;
  /** Production: LMS service URLs must be https (see addressPolicy.ts). */
  requireHttps?: boolean;
  /** Address policy for service URLs; one is built from `requireHttps` otherwise. */
  addresses?: AddressGuard;
  /** Random id for `jti` (injected randomness). */
  randomId: () => string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Told of every call's duration (ms) and HTTP status ('error': no answer), for metrics. */
  observe?: (ms: number, status: number | 'error') => void;
  /** Refresh tokens this long before they expire. */
  refreshMarginMs?: number;
}

/** One HTTP exchange the service modules ask for. */
export interface ServiceRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  scopes: readonly string[];
  accept?: string;
  contentType?: string;
  body?: unknown;
}

/** The answer: status, parsed JSON (when any), and the Link relations. */
export interface ServiceResponse {
  status: number;
  json: unknown;
  links: Record<string, string>;
  headers: Headers;
}

/** The connector's public face. */
export interface ServiceClient {
  request(target: ServiceTarget, req: ServiceRequest): Promise<ServiceResponse>;
  /** Forgets cached tokens (key rotation, tests). */
  clearTokens(): void;
  /** Requests a fresh access token for `scopes` (the install self-test); throws LmsRejected or LmsUnavailable. */
  probeToken(target: ServiceTarget, scopes: readonly string[]): Promise<void>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

/**
 * Parses an RFC 8288 Link header into rel → URL (rel compared case-insensitively; several rels per link allowed).
 * Commas inside `<…>` are kept.
 */
export function parseLinkHeader(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  const re = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
  for (const m of header.matchAll(re)) {
    const url = m[1] ?? '';
    const params = m[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
    const value = rel?.[1] ?? rel?.[2];
    if (!value) continue;
    for (const r of value.trim().split(/\s+/)) {
      const key = r.toLowerCase();
      if (!(key in out)) out[key] = url;
    }
  }
  return out;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

const isCanvasRateLimit = (status: number, text: string): boolean => status === 403 && /rate limit exceeded/i.test(text);

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Builds the connector. No module state: each instance has its own token cache. */
export function createServiceClient(opts: ServiceClientOptions): ServiceClient {
  const f = opts.fetch ?? fetch;
  const now = (): number => (opts.clock ? opts.clock.now() : Date.now());
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const margin = opts.refreshMarginMs ?? 30_000;
  const tokens = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<CachedToken>>();

  const guard = opts.addresses ?? createAddressGuard({ requireHttps: opts.requireHttps ?? false });

  const send = async (url: string, init: RequestInit, via: typeof fetch = f): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set('user-agent', opts.userAgent);
    const started = performance.now();
    try {
      const res = await via(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
      opts.observe?.(performance.now() - started, res.status);
      return res;
    } catch (err) {
      opts.observe?.(performance.now() - started, 'error');
      const refused = untrustedCause(err);
      if (refused) throw refused;
      const timedOut = (err as { name?: string })?.name === 'TimeoutError' || (err as { name?: string })?.name === 'AbortError';
      throw new LmsUnavailable(timedOut ? 'The LMS did not answer in time.' : 'The LMS could not be reached.', undefined, undefined, {
        cause: err,
        said: msg(timedOut ? 'errors.lmsTimeout' : 'errors.lmsUnreachable'),
      });
    }
  };

  /** Turns a non-2xx answer into a classified error. */
  const classify = async (res: Response, what: string): Promise<never> => {
    const text = await res.text().catch(() => '');
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
    if (res.status >= 500 || res.status === 429 || res.status === 408 || isCanvasRateLimit(res.status, text)) {
      throw new LmsUnavailable(`${what}: the LMS answered ${res.status}.`, res.status, retryAfterMs);
    }
    const reason = res.status === 401 || res.status === 403 ? 'not_authorized' : res.status === 404 ? 'not_found' : 'invalid_request';
    const detail = text.slice(0, 300);
    throw new LmsRejected(reason, res.status, `${what}: the LMS answered ${res.status}${detail ? ` (${detail})` : ''}.`);
  };

  const fetchToken = async (target: ServiceTarget, scopes: readonly string[]): Promise<CachedToken> => {
    const assertion = await opts.signer.signJwt(
      { iss: target.clientId, sub: target.clientId, aud: target.tokenUrl, jti: opts.randomId() },
      { expiresInSeconds: 300 },
    );
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: scopes.join(' '),
    });
    const res = await send(target.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    });
    if (!res.ok) await classify(res, 'Access token request');
    const json = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (!json || typeof json.access_token !== 'string') {
      throw new LmsRejected('not_authorized', res.status, 'Access token request: the LMS answered without an access_token.');
    }
    const expiresIn = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in ?? 3600) || 3600;
    return { token: json.access_token, expiresAt: now() + expiresIn * 1000 };
  };

  const tokenFor = async (target: ServiceTarget, scopes: readonly string[], force: boolean): Promise<string> => {
    const key = `${target.platformId}|${[...scopes].sort().join(' ')}`;
    const cached = tokens.get(key);
    if (!force && cached && cached.expiresAt - margin > now()) return cached.token;
    let pending = inflight.get(key);
    if (!pending || force) {
      pending = fetchToken(target, scopes).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    const fresh = await pending;
    tokens.set(key, fresh);
    return fresh.token;
  };

  return {
    clearTokens: () => tokens.clear(),
    probeToken: async (target, scopes) => void (await fetchToken(target, scopes)),
    close: () => guard.close(),
    async request(target, req) {
      const method = req.method ?? 'GET';
      // Service URLs come from launch claims and LMS answers: check where they point before any token is sent.
      await guard.check(req.url, target.tokenUrl);
      const pinned = opts.fetch ?? guard.fetchFor(target.tokenUrl);
      const doCall = async (force: boolean): Promise<Response> => {
        const token = await tokenFor(target, req.scopes, force);
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (req.accept) headers.accept = req.accept;
        if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
        return send(req.url, { method, headers, ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}) }, pinned);
      };
      let res = await doCall(false);
      if (res.status === 401) {
        await res.body?.cancel().catch(() => undefined);
        res = await doCall(true);
      }
      if (!res.ok) await classify(res, `${method} ${new URL(req.url).pathname}`);
      const text = await res.text();
      let json: unknown = null;
      if (text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
      }
      return { status: res.status, json, links: parseLinkHeader(res.headers.get('link')), headers: res.headers };
    },
  };
}
