import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { LoginState, Platform } from '../src/services/ports.js';
import type { Db } from '../src/store/db.js';
import { launchRepo } from '../src/store/launchRepo.js';
import type { Database } from '../src/store/schema.js';
import { platformRepo } from '../src/store/platformRepo.js';
import { loginStateRepo } from '../src/store/loginStateRepo.js';

/** Inserts a platform through the real repository. */
export async function aPlatform(db: Kysely<Database>, overrides: Partial<Platform> = {}): Promise<Platform> {
  const id = overrides.id ?? randomUUID();
  const p: Platform = {
    id,
    issuer: `https://lms-${id.slice(0, 8)}.example`,
    clientId: `client-${id.slice(0, 8)}`,
    authUrl: 'https://lms.example/auth',
    tokenUrl: 'https://lms.example/token',
    jwksUrl: 'https://lms.example/jwks',
    name: 'Test LMS',
    vendor: 'generic',
    createdAt: 1_700_000_000_000,
    deploymentIds: ['1'],
    ...overrides,
  };
  await platformRepo(db).create(p);
  return p;
}

/** Inserts a login state through the real repository. */
export async function aLoginState(db: Kysely<Database>, platformId: string, overrides: Partial<LoginState> = {}): Promise<LoginState> {
  const s: LoginState = {
    state: randomUUID(),
    nonce: randomUUID(),
    platformId,
    browserHash: 'a'.repeat(64),
    targetLinkUri: 'http://localhost:3000/lti/launch',
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_000_600_000,
    consumedAt: null,
    ...overrides,
  };
  await loginStateRepo(db).create(s);
  return s;
}

/** Records a launch (user, course, enrollment, session) through the real repository; returns the session id. */
export async function aLaunchSession(db: Db, platformId: string, times: { at: number; expiresAt: number }): Promise<string> {
  const sessionId = randomUUID();
  await launchRepo(db.kysely, db.dialect).record({
    sessionId,
    userId: randomUUID(),
    contextRowId: randomUUID(),
    at: times.at,
    expiresAt: times.expiresAt,
    courseLanguage: null,
    launch: {
      platformId,
      deploymentId: '1',
      messageType: 'LtiResourceLinkRequest',
      user: { sub: `user-${sessionId.slice(0, 8)}` },
      context: { id: 'course-1' },
      roles: [],
      isInstructor: false,
      isLearner: true,
      targetLinkUri: 'http://localhost:3000/lti/launch',
      extra: {},
    },
  });
  return sessionId;
}
