/**
 * The platform side of the launch benchmark: the bench plays the LMS itself (no emulator in the path).
 * It owns an RSA key, serves its JWKS on 127.0.0.1, and signs one id_token per launch once the tool
 * has issued that launch's nonce.
 *
 * @see https://www.imsglobal.org/spec/lti/v1p3#resource-link-launch-request-message
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim';

/** Who is launching where: the parts of an id_token that do not depend on the tool. */
export interface LaunchSubject {
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  roles: string[];
  contextId: string;
  contextTitle: string;
  resourceLinkId: string;
}

/** What the platform needs from the tool's auth request to answer it. */
export interface AuthAnswer {
  clientId: string;
  deploymentId: string;
  targetLinkUri: string;
  nonce: string;
}

/** A running bench platform. */
export interface BenchPlatform {
  /** Issuer (`iss`), also the platform's base URL. */
  issuer: string;
  jwksUrl: string;
  authEndpoint: string;
  tokenEndpoint: string;
  /** How many times the JWKS was fetched (ltijs fetches it on every launch; Masterly caches it). */
  jwksFetches(): number;
  /** Signs an id_token (RS256, with `kid`) for this subject and this auth request. */
  signIdToken(subject: LaunchSubject, answer: AuthAnswer): Promise<string>;
  close(): Promise<void>;
}

/** Starts the bench platform: RSA-2048 key, JWKS served on 127.0.0.1 (an ephemeral port). */
export async function startBenchPlatform(): Promise<BenchPlatform> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = 'bench-platform-key-1';
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const jwksBody = JSON.stringify({ keys: [jwk] });
  let fetches = 0;

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(jwksBody) });
      res.end(jwksBody);
      return;
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    // Never requested: the bench reads the tool's redirect to it and answers in place of the LMS.
    authEndpoint: `${issuer}/auth`,
    tokenEndpoint: `${issuer}/token`,
    jwksFetches: () => fetches,
    signIdToken: async (s, a) => {
      const name = `${s.givenName} ${s.familyName}`;
      return new SignJWT({
        nonce: a.nonce,
        azp: a.clientId,
        name,
        given_name: s.givenName,
        family_name: s.familyName,
        email: s.email,
        [`${LTI}/message_type`]: 'LtiResourceLinkRequest',
        [`${LTI}/version`]: '1.3.0',
        [`${LTI}/deployment_id`]: a.deploymentId,
        [`${LTI}/target_link_uri`]: a.targetLinkUri,
        [`${LTI}/resource_link`]: { id: s.resourceLinkId, title: 'Fractions: mastery check' },
        [`${LTI}/roles`]: s.roles,
        [`${LTI}/context`]: {
          id: s.contextId,
          label: s.contextId.toUpperCase(),
          title: s.contextTitle,
          type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'],
        },
        [`${LTI}/tool_platform`]: { guid: 'bench-platform', name: 'Bench LMS', product_family_code: 'bench' },
        [`${LTI}/launch_presentation`]: { document_target: 'iframe', return_url: `${issuer}/return` },
      })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(a.clientId)
        .setSubject(s.sub)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The n-th simulated launcher: 1,000 people over 20 courses, one in ten an instructor. */
export function subjectFor(n: number): LaunchSubject {
  const person = n % 1000;
  const course = person % 20;
  const instructor = person % 10 === 0;
  return {
    sub: `bench-user-${person}`,
    givenName: 'Learner',
    familyName: `No${person}`,
    email: `learner${person}@bench.example`,
    roles: instructor
      ? ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor']
      : ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
    contextId: `course-${course}`,
    contextTitle: `Bench course ${course}`,
    resourceLinkId: `rl-${course}`,
  };
}
