import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import ipaddr from 'ipaddr.js';

/**
 * The client address the abuse limits count by: Express `req.ip` (so TRUST_PROXY decides which forwarded address
 * counts), an IPv4-mapped IPv6 address as IPv4, and an IPv6 address by its /64 (one subscriber's network: a client
 * holds the whole /64 and could otherwise rotate through it).
 */
export function clientAddressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  try {
    const addr = ipaddr.process(ip);
    return addr.kind() === 'ipv6' ? `${(addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64` : addr.toString();
  } catch {
    return ip;
  }
}

/**
 * Builds the function that names a request's client for the abuse limits: a keyed hash (HMAC-SHA-256 under the
 * cookie secret, shared by every process) of {@link clientAddressKey}, so the database never holds an address and
 * an IPv4 address cannot be recovered by hashing all 2³² of them.
 */
export function clientHasher(secret: string): (req: Request) => string {
  return (req) => createHmac('sha256', secret).update(`client-address:${clientAddressKey(req.ip)}`).digest('base64url').slice(0, 32);
}
