import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistrationClient } from '../../src/lti/registrationClient.js';
import { errorOf, startTestTool, type TestTool } from '../support/tool.js';

/**
 * The registration URL is open to anyone: it must never make the tool call an address of the caller's choosing in
 * production, and each client address gets a bounded number of attempts.
 */
describe('dynamic registration: address guard and rate limit', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits += 1;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('production refuses loopback and plain http before any request is sent', async () => {
    const client = createRegistrationClient({ production: true });
    try {
      for (const url of [`http://127.0.0.1:${port}/conf`, `https://127.0.0.1:${port}/conf`, `https://localhost:${port}/conf`]) {
        await expect(client.getConfiguration(url, 'tok')).rejects.toMatchObject({ code: 'ERR_REGISTRATION_FAILED', reason: 'address_refused' });
      }
      // A public name that resolves to a private address (DNS pointing inside) is refused too.
      const sneaky = createRegistrationClient({ production: true, resolve: async () => [{ address: '10.0.0.5', family: 4 }] });
      await expect(sneaky.getConfiguration('https://lms.example.edu/conf')).rejects.toMatchObject({ reason: 'address_refused' });
      await sneaky.close();
      expect(hits).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('development may call the emulator on localhost', async () => {
    const client = createRegistrationClient({ production: false });
    try {
      expect(await client.getConfiguration(`http://127.0.0.1:${port}/conf`)).toEqual({});
      expect(hits).toBe(1);
    } finally {
      await client.close();
    }
  });

  describe('rate limit', () => {
    let tool: TestTool;
    beforeAll(async () => {
      tool = await startTestTool();
    });
    afterAll(async () => tool?.close());

    it('refuses the 21st attempt within an hour from one address (429), not other addresses', async () => {
      const base = tool.config.BASE_URL;
      const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${base}/lti/register`, from('203.0.113.7'));
        expect(res.status).toBe(400);
        expect(errorOf(await res.text())).toEqual({ code: 'ERR_REGISTRATION_FAILED', reason: 'params_invalid' });
      }
      const limited = await fetch(`${base}/lti/register`, from('203.0.113.7'));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3000);
      expect(await limited.text()).toContain('Too many registrations');
      expect((await fetch(`${base}/lti/register`, from('198.51.100.2'))).status).toBe(400);
    });
  });
});
