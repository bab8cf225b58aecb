/**
 * The HTTP side of LTI Dynamic Registration: GET the platform's OpenID configuration, POST the client registration.
 * Anyone can open the registration URL, so every call goes through the address guard (src/lti/addressPolicy.ts):
 * https and public addresses only in production, resolved and pinned per connection (no DNS rebinding), no
 * redirects, bounded size and time. Private and loopback addresses are allowed only outside production, or for host
 * names an operator listed in REGISTRATION_PRIVATE_HOSTS (docs/decisions/0017-dynamic-registration.md).
 */
import { RegistrationFailed, type RegistrationFailReason } from '../domain/errors.js';
import { msg } from '../domain/message.js';
import type { RegistrationHttp } from '../services/registerDynamically.js';
import { createAddressGuard, untrustedCause, type AddressGuard, type ResolveHost } from './addressPolicy.js';

/** The non-public ranges (ipaddr.js names) a private-network LMS may sit on. */
const PRIVATE_RANGES: ReadonlySet<string> = new Set(['loopback', 'private', 'uniqueLocal', 'linkLocal', 'carrierGradeNat']);
const NONE: ReadonlySet<string> = new Set();
/** Largest configuration or registration answer read (real ones are a few kB). */
const MAX_BODY = 256 * 1024;

/** Settings of the registration client. */
export interface RegistrationClientOptions {
  /** Production: https and public addresses only (except `privateHosts`). */
  production: boolean;
  /** Host names (lower case, as in the URL) whose private addresses an operator allowed in production. */
  privateHosts?: readonly string[];
  timeoutMs?: number;
  userAgent?: string;
  /** Tests: resolve host names without DNS. */
  resolve?: ResolveHost;
}

const fail = (reason: RegistrationFailReason, message: string, cause?: unknown, details?: Record<string, unknown>): RegistrationFailed =>
  new RegistrationFailed(reason, message, msg(`registration.failed.${reason}`), { ...(cause === undefined ? {} : { cause }), ...(details ? { details } : {}) });

/** Builds the client (one guard; `close()` releases its connections). */
export function createRegistrationClient(opts: RegistrationClientOptions): RegistrationHttp & { close(): Promise<void> } {
  const guard: AddressGuard = createAddressGuard({ requireHttps: opts.production, ...(opts.resolve ? { resolve: opts.resolve } : {}) });
  const privateHosts = new Set((opts.privateHosts ?? []).map((h) => h.toLowerCase()));
  const allowedFor = (url: string): ReadonlySet<string> => (!opts.production || privateHosts.has(new URL(url).hostname.toLowerCase()) ? PRIVATE_RANGES : NONE);

  const call = async (url: string, init: RequestInit, step: 'configuration' | 'registration'): Promise<unknown> => {
    const allowed = allowedFor(url);
    try {
      await guard.checkAllowing(url, allowed);
    } catch (err) {
      throw fail('address_refused', `The ${step} address ${new URL(url).origin} is not one Masterly calls for a registration.`, err);
    }
    let res: Response;
    try {
      res = await guard.fetchAllowing(allowed)(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        headers: { accept: 'application/json', 'user-agent': opts.userAgent ?? 'Masterly', ...(init.headers as Record<string, string>) },
      });
    } catch (err) {
      if (untrustedCause(err)) throw fail('address_refused', `The ${step} address ${new URL(url).origin} resolves to an address Masterly does not call.`, err);
      throw fail(step === 'configuration' ? 'configuration_unreachable' : 'registration_refused', `The ${step} request to ${new URL(url).origin} failed.`, err);
    }
    const text = await readCapped(res);
    if (!res.ok) {
      if (step === 'registration') throw fail('registration_refused', `The platform refused the registration (HTTP ${res.status}).`, undefined, { status: res.status });
      if (res.status === 401 || res.status === 403) throw fail('configuration_refused', `The platform refused its configuration (HTTP ${res.status}).`, undefined, { status: res.status });
      throw fail('configuration_unreachable', `The platform configuration answered HTTP ${res.status}.`, undefined, { status: res.status });
    }
    try {
      return JSON.parse(text ?? '') as unknown;
    } catch {
      throw fail(step === 'configuration' ? 'configuration_invalid' : 'response_invalid', `The platform's ${step} answer is not JSON.`);
    }
  };

  return {
    getConfiguration: (url, token) => call(url, { method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {} }, 'configuration'),
    register: (endpoint, body, token) =>
      call(endpoint, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } }, 'registration'),
    close: () => guard.close(),
  };
}

/** The body as text, or undefined when it is larger than MAX_BODY (then it is not read further). */
async function readCapped(res: Response): Promise<string | undefined> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
