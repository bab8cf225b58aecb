/**
 * The one rule for the URLs a platform registration names (auth, token, JWKS): used by the CLI, the admin form and
 * dynamic registration (all through the registerPlatform service), and by the security headers, which put the
 * origins into CSP `frame-ancestors` and must never receive one that breaks the header.
 */

/** Why a platform URL is refused. */
export type PlatformUrlProblem = 'not_a_url' | 'scheme' | 'userinfo' | 'host' | 'fragment';

/** The outcome of {@link checkPlatformUrl}. */
export type PlatformUrlCheck = { ok: true; url: URL } | { ok: false; problem: PlatformUrlProblem; message: string };

// A DNS name as CSP host-source accepts it (labels of letters, digits and inner hyphens; IDNs arrive as punycode).
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`, 'i');
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/i;

/** `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`: where an LMS can only be a developer's (the emulator). */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\./.test(hostname) || hostname === '[::1]';

/** True for a host name, IPv4 or bracketed IPv6 address as the WHATWG URL parser normalised it. */
export const isValidHost = (hostname: string): boolean => DNS_NAME.test(hostname) || IPV4.test(hostname) || IPV6.test(hostname);

/**
 * Checks a platform URL: https (http only on a loopback host, for the emulator and local development), no user
 * name or password, a valid host (no `;`, `,`, `_`, `*` or spaces), an optional port; a path and query may follow,
 * a fragment may not.
 */
export function checkPlatformUrl(raw: string): PlatformUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'not_a_url', message: 'must be a full URL such as https://lms.example.edu/auth' };
  }
  if (url.username || url.password) return { ok: false, problem: 'userinfo', message: 'must not contain a user name or password' };
  if (!isValidHost(url.hostname)) return { ok: false, problem: 'host', message: 'must name a valid host (letters, digits, dots and hyphens)' };
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return { ok: false, problem: 'scheme', message: 'must use https (http only for localhost)' };
  }
  if (url.hash || raw.includes('#')) return { ok: false, problem: 'fragment', message: 'must not contain a #fragment' };
  return { ok: true, url };
}

