import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkPlatformConfiguration } from '../../src/domain/platformConfiguration.js';
import { createPlatformRegistry } from '../../src/services/platformRegistry.js';
import { registerDynamically, type RegistrationHttp } from '../../src/services/registerDynamically.js';
import { platformRepo } from '../../src/store/platformRepo.js';
import { openTestDb, type TestDb } from '../support/db.js';

/**
 * Bad platform configurations and registration answers as data: each must be refused with its reason, and nothing
 * stored. The platform side is a fixed answer per vector (the emulator covers the real exchange in test/e2e).
 */
const Vector = z.object({
  title: z.string(),
  configUrl: z.string().optional(),
  token: z.string().optional(),
  configuration: z.record(z.string(), z.unknown()).optional(),
  configurationRaw: z.unknown().optional(),
  answer: z.record(z.string(), z.unknown()).optional(),
  expected: z.object({ reason: z.string(), problem: z.string().optional() }),
});

const dir = path.join(import.meta.dirname, 'registration', 'invalid');
const vectors = fs.readdirSync(dir).map((f) => Vector.parse(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))));

const CONFIG_URL = 'https://lms.example.edu/mod/lti/openid-configuration.php';
const validConfiguration = (): Record<string, unknown> => ({
  issuer: 'https://lms.example.edu',
  authorization_endpoint: 'https://lms.example.edu/mod/lti/auth.php',
  token_endpoint: 'https://lms.example.edu/mod/lti/token.php',
  jwks_uri: 'https://lms.example.edu/mod/lti/certs.php',
  registration_endpoint: 'https://lms.example.edu/mod/lti/openid-registration.php',
  token_endpoint_auth_methods_supported: ['private_key_jwt'],
  'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: 'moodle', version: '4.5', messages_supported: [{ type: 'LtiResourceLinkRequest' }] },
});
const validAnswer = (): Record<string, unknown> => ({ client_id: 'abcdefghijklmno', 'https://purl.imsglobal.org/spec/lti-tool-configuration': { deployment_id: '3' } });

const withNulls = (base: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> => {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = v === 'LONG256' ? 'x'.repeat(256) : v;
  }
  return out;
};

describe('dynamic registration vectors', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  const deps = (http: RegistrationHttp) => {
    const platforms = platformRepo(db.kysely);
    const clock = { now: () => 1_700_000_000_000 };
    return { platforms, registry: createPlatformRegistry({ platforms, clock }), clock, newId: randomUUID, http, baseUrl: 'https://masterly.example', scopes: ['s1'] };
  };

  it.each(vectors)('$title is refused with $expected.reason and nothing stored', async (v) => {
    const http: RegistrationHttp = {
      getConfiguration: async () => (v.configurationRaw !== undefined ? v.configurationRaw : withNulls(validConfiguration(), v.configuration)),
      register: async () => withNulls(validAnswer(), v.answer),
    };
    const before = (await platformRepo(db.kysely).listAll()).length;
    const err = await registerDynamically(deps(http), { openidConfiguration: v.configUrl ?? CONFIG_URL, ...(v.token !== undefined ? { registrationToken: v.token } : {}) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'ERR_REGISTRATION_FAILED', reason: v.expected.reason });
    if (v.expected.problem) expect((err as { details?: { problem?: string } }).details?.problem).toBe(v.expected.problem);
    expect((await platformRepo(db.kysely).listAll()).length).toBe(before);
  });

  it('accepts a valid Moodle configuration and stores the client id and deployment id, pending', async () => {
    const http: RegistrationHttp = { getConfiguration: async () => validConfiguration(), register: async () => validAnswer() };
    const r = await registerDynamically(deps(http), { openidConfiguration: CONFIG_URL });
    expect(r).toMatchObject({ created: true, status: 'pending', vendor: 'moodle' });
    const p = (await platformRepo(db.kysely).listAll()).find((x) => x.id === r.platformId);
    expect(p).toMatchObject({ clientId: 'abcdefghijklmno', deploymentIds: ['3'], status: 'pending', newDeployments: 'hold' });
  });

  it('accepts Canvas: one issuer, endpoints on sso.canvaslms.com, configuration on the school domain', () => {
    const check = checkPlatformConfiguration('https://school.instructure.com/api/lti/security/openid-configuration?registration_token=x', {
      issuer: 'https://canvas.instructure.com',
      authorization_endpoint: 'https://sso.canvaslms.com/api/lti/authorize_redirect',
      token_endpoint: 'https://sso.canvaslms.com/login/oauth2/token',
      jwks_uri: 'https://sso.canvaslms.com/api/lti/security/jwks',
      registration_endpoint: 'https://school.instructure.com/api/lti/registrations',
      'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: 'canvas' },
    });
    expect(check).toMatchObject({ ok: true, config: { product: 'canvas' } });
  });

  it('a re-registration that moves the endpoints of an approved platform puts it back to pending', async () => {
    const platforms = platformRepo(db.kysely);
    const conf = { ...validConfiguration(), issuer: 'https://moved.example.edu', registration_endpoint: 'https://moved.example.edu/reg', authorization_endpoint: 'https://moved.example.edu/auth', token_endpoint: 'https://moved.example.edu/token', jwks_uri: 'https://moved.example.edu/certs' };
    const url = 'https://moved.example.edu/conf';
    const http = (c: Record<string, unknown>): RegistrationHttp => ({ getConfiguration: async () => c, register: async () => ({ client_id: 'moved-client' }) });
    const first = await registerDynamically(deps(http(conf)), { openidConfiguration: url });
    await platforms.setStatus(first.platformId, 'active');
    const same = await registerDynamically(deps(http(conf)), { openidConfiguration: url });
    expect(same).toMatchObject({ created: false, status: 'active' });
    const moved = await registerDynamically(deps(http({ ...conf, token_endpoint: 'https://moved.example.edu/other-token' })), { openidConfiguration: url });
    expect(moved).toMatchObject({ created: false, status: 'pending', platformId: first.platformId });
  });
});
