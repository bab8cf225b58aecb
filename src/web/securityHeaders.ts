import type { RequestHandler } from 'express';

/** What the security headers depend on. */
export interface SecurityHeaderOptions {
  /** Served over HTTPS (BASE_URL): adds Strict-Transport-Security and `upgrade-insecure-requests`. */
  https: boolean;
  /**
   * Origins allowed to frame us (registered platforms plus FRAME_ANCESTORS), read per request so that a new platform
   * applies at once. Return the same array while the list is unchanged: the CSP is then reused without any work.
   */
  frameAncestors: () => readonly string[];
}

/**
 * The CSP with a given `frame-ancestors` source list, directive for directive what helmet 8 builds from our options
 * (its defaults for base-uri, font-src, object-src and script-src-attr included), in helmet's order and format.
 *
 * @see https://www.w3.org/TR/CSP3/#directive-frame-ancestors
 */
export function contentSecurityPolicy(https: boolean, ancestors: readonly string[]): string {
  const list = ancestors.join(' ');
  // Like helmet: a value with `;` or `,` would end the directive (or the header) and is refused, not emitted.
  if (/[;,]/.test(list)) throw new Error('Content-Security-Policy received an invalid directive value for "frame-ancestors"');
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' https: data:",
    "form-action 'self' https: http:",
    `frame-ancestors 'self' ${list || "'self'"}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join(';');
}

/**
 * The headers helmet 8 sent with our options (xFrameOptions and crossOriginEmbedderPolicy off, CORP same-site,
 * Referrer-Policy no-referrer, HSTS only over HTTPS), computed once instead of by eleven middlewares per request.
 * test/web/securityHeaders.test.ts compares them with helmet's on a page, a launch and a redirect.
 */
export function staticSecurityHeaders(https: boolean): ReadonlyArray<readonly [string, string]> {
  return [
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-site'],
    ['Origin-Agent-Cluster', '?1'],
    ['Referrer-Policy', 'no-referrer'],
    ...(https ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as const] : []),
    ['X-Content-Type-Options', 'nosniff'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Download-Options', 'noopen'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-XSS-Protection', '0'],
  ];
}

/**
 * Sets the security headers on every response. The fixed ones are precomputed; the CSP is rebuilt only when the
 * frame-ancestors list changes (by identity first, then by content), so a request costs a few setHeader calls.
 */
export function securityHeaders(opts: SecurityHeaderOptions): RequestHandler {
  const fixed = staticSecurityHeaders(opts.https);
  let lastList: readonly string[] | undefined;
  let lastKey = '';
  let csp = '';
  return (_req, res, next) => {
    const list = opts.frameAncestors();
    if (list !== lastList) {
      const key = list.join('\n');
      if (lastList === undefined || key !== lastKey) {
        try {
          csp = contentSecurityPolicy(opts.https, list);
        } catch (err) {
          next(err);
          return;
        }
        lastKey = key;
      }
      lastList = list;
    }
    res.setHeader('Content-Security-Policy', csp);
    for (const [name, value] of fixed) res.setHeader(name, value);
    next();
  };
}
