/**
 * The address policy for LMS service URLs: every spelling of a non-public address is refused on the resolved
 * address, the connection is pinned to the address checked (DNS rebinding and literal addresses refused at
 * connection time, before any byte is sent), and a platform registered on a private address keeps working.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressRange, createAddressGuard, isPublicAddress, untrustedCause, type ResolvedAddress } from '../../src/lti/addressPolicy.js';

const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

/** A fake DNS: host → addresses (tests must not depend on real DNS). */
const fakeDns = (table: Record<string, string[]>) => async (host: string): Promise<ResolvedAddress[]> => {
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('address ranges', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.10', 'private'],
    ['::ffff:192.168.1.10', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['100.64.0.1', 'carrierGradeNat'],
  ])('%s is %s, not public', (ip, range) => {
    expect(addressRange(ip)).toBe(range);
    expect(isPublicAddress(ip)).toBe(false);
  });

  it('calls public unicast addresses public', () => {
    expect(isPublicAddress(PUBLIC_V4)).toBe(true);
    expect(isPublicAddress(PUBLIC_V6)).toBe(true);
    expect(isPublicAddress('8.8.8.8')).toBe(true);
  });
});

describe('service URL check (before any token is sent)', () => {
  const guard = createAddressGuard({
    requireHttps: false,
    resolve: fakeDns({
      'lms.example': [PUBLIC_V4],
      'school.instructure.com': [PUBLIC_V4, PUBLIC_V6],
      'inside.example': ['10.0.0.7'],
      'mixed.example': [PUBLIC_V4, '127.0.0.1'],
      'v6local.example': ['fd00::5'],
      localhost: ['::1', '127.0.0.1'],
      'moodle.school.lan': ['192.168.4.20'],
    }),
  });
  const registeredPublic = 'https://lms.example/login/oauth2/token';
  const refused = async (url: string, registered = registeredPublic) => {
    const err = await guard.check(url, registered).then(() => undefined, (e: unknown) => e);
    return err as { code?: string; reason?: string } | undefined;
  };

  it.each([
    'http://127.0.0.1/api/lti/courses/1/line_items',
    'http://2130706433/api',
    'http://0177.0.0.1/api',
    'http://0x7f.1/api',
    'http://127.1/api',
    'http://[::1]:8080/api',
    'http://[::ffff:127.0.0.1]/api',
    'http://[::ffff:7f00:1]/api',
    'http://[fc00::1]/api',
    'http://[fe80::1]/api',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/api',
    'http://192.168.0.1/api',
    'http://0.0.0.0/api',
    'http://localhost:3001/api',
    'http://inside.example/api',
    'http://mixed.example/api',
    'http://v6local.example/api',
  ])('refuses %s for a platform registered on a public address', async (url) => {
    expect(await refused(url)).toMatchObject({ code: 'ERR_LMS_URL_UNTRUSTED', reason: 'address_not_public' });
  });

  it('refuses other schemes and hosts that do not resolve', async () => {
    expect(await refused('file:///etc/passwd')).toMatchObject({ code: 'ERR_LMS_URL_UNTRUSTED', reason: 'scheme_not_allowed' });
    expect(await refused('gopher://lms.example/x')).toMatchObject({ reason: 'scheme_not_allowed' });
    expect(await refused('not a url')).toMatchObject({ reason: 'scheme_not_allowed' });
    expect(await refused('https://nowhere.example/x')).toMatchObject({ reason: 'host_unresolvable' });
  });

  it('allows public service addresses, on another host than the registration (Canvas: the school domain)', async () => {
    expect(await refused('https://school.instructure.com/api/lti/courses/1/line_items')).toBeUndefined();
    expect(await refused(`http://[${PUBLIC_V6}]/api`)).toBeUndefined();
  });

  it('allows the same kind of address when an administrator registered the platform on one (development, school LAN)', async () => {
    expect(await refused('http://localhost:3001/api/lti/courses/2/names_and_roles', 'http://localhost:3001/token')).toBeUndefined();
    expect(await refused('http://127.0.0.1:3001/api', 'http://localhost:3001/token')).toBeUndefined();
    expect(await refused('https://moodle.school.lan/mod/lti/services.php/2/lineitems', 'https://moodle.school.lan/mod/lti/token.php')).toBeUndefined();
    expect(await refused('http://10.9.9.9/api', 'https://moodle.school.lan/mod/lti/token.php')).toBeUndefined();
    // …but not another kind: a loopback registration does not open the private network or link-local metadata.
    expect(await refused('http://10.0.0.1/api', 'http://localhost:3001/token')).toMatchObject({ reason: 'address_not_public' });
    expect(await refused('http://169.254.169.254/', 'http://localhost:3001/token')).toMatchObject({ reason: 'address_not_public' });
  });

  it('requires https in production, even for a platform registered on a private address', async () => {
    const prod = createAddressGuard({ requireHttps: true, resolve: fakeDns({ 'lms.example': [PUBLIC_V4], localhost: ['127.0.0.1'] }) });
    await expect(prod.check('http://lms.example/api', 'https://lms.example/token')).rejects.toMatchObject({ code: 'ERR_LMS_URL_UNTRUSTED', reason: 'https_required' });
    await expect(prod.check('http://localhost/api', 'http://localhost/token')).rejects.toMatchObject({ reason: 'https_required' });
    await expect(prod.check('https://lms.example/api', 'https://lms.example/token')).resolves.toBeUndefined();
  });
});

describe('pinned connection', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits += 1;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('refuses a name that re-resolves to a loopback address after the check (DNS rebinding): nothing reaches it', async () => {
    let calls = 0;
    const guard = createAddressGuard({
      requireHttps: false,
      resolve: async (host) => {
        if (host === 'lms.example') return [{ address: PUBLIC_V4, family: 4 }];
        calls += 1;
        // First answer (the check): public. Every later answer (the connection): loopback.
        return [{ address: calls === 1 ? PUBLIC_V4 : '127.0.0.1', family: 4 }];
      },
    });
    const url = `http://rebind.example:${port}/api/lti/scores`;
    await expect(guard.check(url, 'https://lms.example/token')).resolves.toBeUndefined();
    const err = await guard.fetchFor('https://lms.example/token')(url, { headers: { authorization: 'Bearer secret' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(untrustedCause(err)).toMatchObject({ code: 'ERR_LMS_URL_UNTRUSTED', reason: 'address_not_public' });
    expect(hits).toBe(0);
    await guard.close();
  });

  it('refuses a literal loopback address at connection time too (redirects, skipped checks)', async () => {
    const guard = createAddressGuard({ requireHttps: false, resolve: fakeDns({ 'lms.example': [PUBLIC_V4] }) });
    const err = await guard.fetchFor('https://lms.example/token')(`http://127.0.0.1:${port}/x`).then(() => undefined, (e: unknown) => e);
    expect(untrustedCause(err)).toMatchObject({ code: 'ERR_LMS_URL_UNTRUSTED' });
    expect(hits).toBe(0);
    await guard.close();
  });

  it('connects to the checked address when the platform is registered on that kind of address', async () => {
    const guard = createAddressGuard({ requireHttps: false, resolve: fakeDns({ 'lms.local': ['127.0.0.1'] }) });
    const res = await guard.fetchFor('http://lms.local/token')(`http://lms.local:${port}/ok`);
    expect(res.status).toBe(200);
    await res.text();
    expect(hits).toBe(1);
    await guard.close();
  });
});
