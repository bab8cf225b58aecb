import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/schema.js';
import { startTestTool, type TestTool } from '../support/tool.js';

const PRODUCTION = { NODE_ENV: 'production', COOKIE_SECRET: 'c'.repeat(32), KEY_ENCRYPTION_KEY: 'k'.repeat(44), ADMIN_TOKEN: 'a'.repeat(24) };

describe('HOST: the address the server listens on', () => {
  it('is this machine only outside production, every interface in production, and what the operator sets', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).HOST).toBe('127.0.0.1');
    expect(loadConfig(PRODUCTION).HOST).toBe('0.0.0.0');
    expect(loadConfig({ ...PRODUCTION, HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::' }).HOST).toBe('::');
  });

  it('refuses a value that is not an address, naming the setting', () => {
    expect(() => loadConfig({ HOST: 'http://0.0.0.0' })).toThrow(/HOST: must be an IP address or a host name/);
  });

  let tool: TestTool | undefined;
  afterEach(async () => {
    await tool?.close();
    tool = undefined;
  });

  it('binds the development server to 127.0.0.1 only', async () => {
    tool = await startTestTool({ env: { NODE_ENV: 'development' } });
    expect((tool.server.address() as AddressInfo).address).toBe('127.0.0.1');
    expect((await fetch(`${tool.url}/healthz`)).status).toBe(200);
  });

  it('binds the production server to every interface', async () => {
    tool = await startTestTool({ env: { NODE_ENV: 'production' } });
    expect((tool.server.address() as AddressInfo).address).toBe('0.0.0.0');
  });
});
