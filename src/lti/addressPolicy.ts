/**
 * Which addresses the tool may call for an LMS's services (AGS, NRPS), whose URLs come from launch claims and LMS
 * answers — not from an administrator. A registered platform must not be able to make the tool send its bearer
 * token to (or probe) the tool's own network: loopback, private, link-local, unique-local and other non-public
 * addresses are refused, in every spelling (IPv4-mapped IPv6, decimal and octal IPv4 — the URL parser normalises
 * those), on the RESOLVED address, and the connection is pinned to the address that was checked: the same check
 * runs inside the connection's own DNS lookup, so a name that re-resolves to another address between the check
 * and the connection (DNS rebinding) is refused too.
 *
 * Exception: a platform an administrator registered on such an address (its token endpoint's host is loopback or
 * private, as in development with the emulator on localhost) may have service URLs on the same kind of address.
 * Canvas's service URLs live on the school's Canvas domain, not on the issuer's, so matching origins would be wrong.
 *
 * @see https://owasp.org/www-community/attacks/Server_Side_Request_Forgery
 */
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type * as Undici from 'undici';
import type { Agent, buildConnector } from 'undici';
import { LmsUrlUntrusted } from '../domain/errors.js';

let undiciModule: Promise<typeof Undici> | undefined;
const loadUndici = () => (undiciModule ??= import('undici'));

/** One resolved address. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address (dns.lookup by default; tests inject one). */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** What the guard needs. */
export interface AddressPolicyOptions {
  /** Production: service URLs must be https. */
  requireHttps: boolean;
  resolve?: ResolveHost;
  /** How long a host's verdict is reused by the pre-check (the connection re-checks anyway). */
  cacheMs?: number;
  now?: () => number;
}

/** The guard the service client calls before sending a token, and the pinned fetch it sends with. */
export interface AddressGuard {
  /** Throws LmsUrlUntrusted unless `url` may be called for a platform registered with `registeredUrl`. */
  check(url: string, registeredUrl: string): Promise<void>;
  /** undici's fetch over a connection pinned to addresses allowed for `registeredUrl`. */
  fetchFor(registeredUrl: string): typeof fetch;
  /** As `check`, with the non-public ranges allowed given directly (dynamic registration: none in production). */
  checkAllowing(url: string, allowed: ReadonlySet<string>): Promise<void>;
  /** As `fetchFor`, with the allowed non-public ranges given directly. */
  fetchAllowing(allowed: ReadonlySet<string>): typeof fetch;
  close(): Promise<void>;
}

/** The address range (ipaddr.js names: 'unicast' = public, 'loopback', 'private', 'uniqueLocal', …). */
export function addressRange(ip: string): string {
  // process() reads IPv4-mapped IPv6 (::ffff:127.0.0.1) as the IPv4 address it carries.
  return ipaddr.process(ip).range();
}

/** True for a public unicast address; everything else (loopback, private, link-local, reserved…) is not. */
export const isPublicAddress = (ip: string): boolean => addressRange(ip) === 'unicast';

const bare = (hostname: string): string => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);

const systemResolve: ResolveHost = async (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

const resolveLiteralOr = (resolve: ResolveHost) => async (hostname: string): Promise<ResolvedAddress[]> => {
  const host = bare(hostname);
  const family = net.isIP(host);
  return family ? [{ address: host, family }] : resolve(host);
};

/** The non-public ranges a registration's own host sits on (allowed for its service URLs too). */
const registeredRanges = (addresses: ResolvedAddress[]): Set<string> =>
  new Set(addresses.map((a) => addressRange(a.address)).filter((r) => r !== 'unicast'));

const untrusted = (url: URL, reason: LmsUrlUntrusted['reason'], detail: string): LmsUrlUntrusted =>
  new LmsUrlUntrusted(
    reason,
    url.origin,
    `The LMS gave the service address ${url.origin}, which Masterly does not call: ${detail} No token was sent. Check the platform registration (an LMS on a private network must be registered with its private address).`,
  );

/** Returns the address that fails the policy, if any. */
const firstRefused = (addresses: ResolvedAddress[], allowed: ReadonlySet<string>): ResolvedAddress | undefined =>
  addresses.find((a) => {
    const range = addressRange(a.address);
    return range !== 'unicast' && !allowed.has(range);
  });

/** Builds the guard: one undici Agent per set of allowed ranges, whose connector re-checks at connection time. */
export function createAddressGuard(opts: AddressPolicyOptions): AddressGuard {
  const resolve = resolveLiteralOr(opts.resolve ?? systemResolve);
  const now = opts.now ?? Date.now;
  const cacheMs = opts.cacheMs ?? 30_000;
  const cache = new Map<string, { at: number; addresses: Promise<ResolvedAddress[]> }>();
  const agents = new Map<string, Agent>();

  const lookupCached = (hostname: string): Promise<ResolvedAddress[]> => {
    const hit = cache.get(hostname);
    if (hit && now() - hit.at < cacheMs) return hit.addresses;
    if (cache.size > 1000) cache.clear();
    const addresses = resolve(hostname);
    cache.set(hostname, { at: now(), addresses });
    addresses.catch(() => cache.delete(hostname));
    return addresses;
  };

  const allowedFor = async (registeredUrl: string): Promise<Set<string>> => {
    try {
      return registeredRanges(await lookupCached(new URL(registeredUrl).hostname));
    } catch {
      return new Set();
    }
  };

  const checkProtocol = (url: URL): void => {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw untrusted(url, 'scheme_not_allowed', 'only http(s) addresses are called.');
    if (opts.requireHttps && url.protocol !== 'https:') throw untrusted(url, 'https_required', 'in production LMS services are called over https only.');
  };

  /** The connection's own lookup: resolves, checks every address, and connects only to checked ones. */
  const pinnedConnector = (build: typeof buildConnector, allowed: ReadonlySet<string>): buildConnector.connector => {
    const lookup: net.LookupFunction = (hostname, options, callback) => {
      resolve(hostname).then(
        (addresses) => {
          const bad = firstRefused(addresses, allowed);
          if (bad) {
            const err = untrusted(new URL(`http://${hostname}`), 'address_not_public', `${hostname} now resolves to ${bad.address}, a non-public address.`);
            callback(Object.assign(err, { errno: undefined }) as NodeJS.ErrnoException, '', 0);
            return;
          }
          const usable = options.family ? addresses.filter((a) => a.family === options.family) : addresses;
          if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, usable);
          else callback(null, usable[0]?.address ?? '', usable[0]?.family ?? 4);
        },
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
    };
    const base = build({ lookup });
    return (o, callback) => {
      // Literal addresses skip DNS (and so the lookup above): check them here, redirects included.
      const host = bare(o.hostname);
      const url = new URL(`${o.protocol}//${o.hostname}${o.port ? `:${o.port}` : ''}`);
      try {
        checkProtocol(url);
        if (net.isIP(host) && firstRefused([{ address: host, family: net.isIP(host) }], allowed)) {
          throw untrusted(url, 'address_not_public', `${host} is not a public address.`);
        }
      } catch (err) {
        callback(err as Error, null);
        return;
      }
      base(o, callback);
    };
  };

  const checkWithin = async (raw: string, allowed: ReadonlySet<string>, why: string): Promise<void> => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new LmsUrlUntrusted('scheme_not_allowed', 'invalid', 'The LMS gave a service address that is not a URL. No token was sent.');
    }
    checkProtocol(url);
    let addresses: ResolvedAddress[];
    try {
      addresses = await lookupCached(url.hostname);
    } catch {
      throw untrusted(url, 'host_unresolvable', `its host name does not resolve.`);
    }
    const bad = firstRefused(addresses, allowed);
    if (bad) throw untrusted(url, 'address_not_public', `${bare(url.hostname)} resolves to ${bad.address}, a ${addressRange(bad.address)} address, ${why}`);
  };

  const pinnedFetch = (allowed: ReadonlySet<string>): typeof fetch =>
    (async (input: string | URL | Request, init?: RequestInit) => {
      // undici (≈ 11 MB of RSS) is loaded with the first call to an LMS service, not at start: most processes make none for a while.
      const undici = await loadUndici();
      const key = [...allowed].sort().join(',');
      let agent = agents.get(key);
      if (!agent) {
        agent = new undici.Agent({ connect: pinnedConnector(undici.buildConnector, allowed) });
        agents.set(key, agent);
      }
      return undici.fetch(input as Parameters<typeof undici.fetch>[0], { ...(init as Parameters<typeof undici.fetch>[1]), dispatcher: agent }) as unknown as Promise<Response>;
    }) as typeof fetch;

  return {
    async check(raw, registeredUrl) {
      await checkWithin(raw, await allowedFor(registeredUrl), 'and the platform is not registered on one.');
    },
    checkAllowing: (raw, allowed) => checkWithin(raw, allowed, 'which this request may not call.'),
    fetchFor(registeredUrl) {
      return (async (input: string | URL | Request, init?: RequestInit) => pinnedFetch(await allowedFor(registeredUrl))(input, init)) as typeof fetch;
    },
    fetchAllowing: (allowed) => pinnedFetch(allowed),
    async close() {
      await Promise.all([...agents.values()].map((a) => a.close()));
      agents.clear();
    },
  };
}

/** The LmsUrlUntrusted behind a failed fetch (undici wraps connector errors as `cause`), if that is why it failed. */
export function untrustedCause(err: unknown): LmsUrlUntrusted | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof LmsUrlUntrusted) return e;
  }
  return undefined;
}
