import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** What the security headers depend on. */
export interface SecurityHeaderOptions {
  /** Served over HTTPS (BASE_URL): adds Strict-Transport-Security and `upgrade-insecure-requests`. */
  https: boolean;
  /**
   * Origins allowed to frame us (registered platforms plus FRAME_ANCESTORS), read per request so that a new platform
   * applies at once. Return the same array while the list is unchanged: the headers are then reused without any work.
   */
  frameAncestors: () => readonly string[];
  /**
   * Told about each frame-ancestors entry left out because it would break the header (a `;`, `,` or space in a
   * stored origin): logged, never fatal for the page being served.
   */
  onUnusable?: (entry: string) => void;
}

/** True when `entry` can stand in a CSP source list: one token, nothing that ends the directive or the header. */
export const isUsableSource = (entry: string): boolean =>
  entry.length > 0 && ![...entry].some((c) => c === ';' || c === ',' || c.trim() === '' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/**
 * helmet with our policy: LMSs frame us, so `frame-ancestors` (not X-Frame-Options) governs framing, and
 * cross-origin isolation stays off; forms may post to LMS return URLs (Deep Linking) on any origin.
 *
 * @see https://www.w3.org/TR/CSP3/#directive-frame-ancestors
 */
function masterlyHelmet(https: boolean, ancestors: readonly string[]) {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'", 'https:', 'http:'],
        frameAncestors: ["'self'", ...(ancestors.length ? ancestors : [])],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    xFrameOptions: false,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-site' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https,
  });
}

/**
 * The headers helmet sets with our policy for this frame-ancestors list. Our policy has no per-request parts
 * (no nonces), so helmet runs once against a recording response instead of as eleven middlewares per request.
 * Throws helmet's own error for an invalid value (a `;` or `,` in an origin).
 */
export function helmetHeaders(https: boolean, ancestors: readonly string[]): ReadonlyArray<readonly [string, string]> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  let failure: unknown;
  masterlyHelmet(https, ancestors)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (err?: unknown) => {
      failure = err;
    },
  );
  if (failure) throw failure;
  return [...headers];
}

/**
 * What a route may change in the headers already set (found in `res.locals.securityHeaders`; docs/decisions/0021):
 * - `refresh`: the headers for the list as it is now (a launch that has just learned the LMS page's origin);
 * - `frameableByAnyAncestor`: `frame-ancestors *` for the launch steps served before the launch is validated (the
 *   LMS page's origin is not known yet; those pages show nothing of a course and act only through the platform).
 */
export interface SecurityHeadersControl {
  refresh(res: Response): void;
  frameableByAnyAncestor(res: Response): void;
}

/** The route's view of the security headers (undefined outside createApp, e.g. in a bare router test). */
export const securityHeadersOf = (res: Response): SecurityHeadersControl | undefined => res.locals.securityHeaders as SecurityHeadersControl | undefined;

/**
 * Sets the security headers on every response: helmet's, recomputed only when the frame-ancestors list changes
 * (by identity first, then by content), so a request costs a few setHeader calls. An entry that would break the header
 * is skipped and reported; should helmet still refuse the list, the policy falls back to `'self'` only.
 */
export function securityHeaders(opts: SecurityHeaderOptions): RequestHandler {
  let lastList: readonly string[] | undefined;
  let lastKey = '';
  let headers: ReadonlyArray<readonly [string, string]> = [];
  let anyAncestor: ReadonlyArray<readonly [string, string]> | undefined;
  const set = (res: Response, list: ReadonlyArray<readonly [string, string]>) => {
    for (const [name, value] of list) res.setHeader(name, value);
  };
  const control: SecurityHeadersControl = {
    refresh: (res) => set(res, current()),
    frameableByAnyAncestor: (res) => set(res, (anyAncestor ??= helmetHeaders(opts.https, ['*']))),
  };
  return (_req, res, next) => {
    set(res, current());
    res.locals.securityHeaders = control;
    next();
  };

  function current(): ReadonlyArray<readonly [string, string]> {
    const list = opts.frameAncestors();
    if (list !== lastList) {
      const key = list.join('\n');
      if (lastList === undefined || key !== lastKey) {
        const usable = list.filter(isUsableSource);
        for (const entry of list) if (!isUsableSource(entry)) opts.onUnusable?.(entry);
        try {
          headers = helmetHeaders(opts.https, usable);
        } catch {
          for (const entry of usable) opts.onUnusable?.(entry);
          headers = helmetHeaders(opts.https, []);
        }
        lastKey = key;
      }
      lastList = list;
    }
    return headers;
  }
}
