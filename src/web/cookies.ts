import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieOptions } from 'express';

/** Name of the launch session cookie (carries only a signed session id). */
export const SESSION_COOKIE = 'masterly_session';
/** Name of the admin cookie (signed expiry and a random session id). */
export const ADMIN_COOKIE = 'masterly_admin';

/**
 * Cookies that must come back on a cross-site form_post or inside an LMS iframe: SameSite=None; Secure.
 * `localhost` counts as a secure context in browsers, so this works in local HTTP demos too.
 */
export const crossSiteCookie = (maxAgeSeconds: number): CookieOptions => ({
  httpOnly: true,
  secure: true,
  sameSite: 'none',
  path: '/',
  maxAge: maxAgeSeconds * 1000,
});

const mac = (secret: string, value: string) => createHmac('sha256', secret).update(value).digest('base64url');

/** `value.mac` with HMAC-SHA256 under the cookie secret. */
export const signValue = (secret: string, value: string): string => `${value}.${mac(secret, value)}`;

/** The value of a signed string, or undefined when the MAC does not match (constant-time). */
export function unsignValue(secret: string, signed: string | undefined): string | undefined {
  if (typeof signed !== 'string') return undefined;
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  const expected = Buffer.from(mac(secret, value));
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : undefined;
}

/** Constant-time string comparison (hash both sides so lengths do not leak). */
export function sameToken(a: string, b: string): boolean {
  const x = createHmac('sha256', 'compare').update(a).digest();
  const y = createHmac('sha256', 'compare').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}
