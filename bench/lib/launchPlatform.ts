/**
 * The platform side of the launch benchmark: the bench plays the LMS itself (no emulator in the path).
 * It owns an RSA key (in a signer child process), serves its JWKS on 127.0.0.1, and signs one id_token per
 * launch once the tool has issued that launch's nonce.
 *
 * @see https://www.imsglobal.org/spec/lti/v1p3#resource-link-launch-request-message
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fork } from 'node:child_process';
import path from 'node:path';
import type { JWK } from 'jose';

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
  /** Signs an id_token (RS256, with `kid`) for this subject and this auth request, in the signer process. */
  signIdToken(subject: LaunchSubject, answer: AuthAnswer): Promise<string>;
  /** CPU time the signer process has used so far (µs). */
  signerCpuMicros(): Promise<number>;
  close(): Promise<void>;
}

/** The id_token claims of a launch of `s` answering auth request `a` on the platform `issuer` (iat/exp added by the signer). */
export function launchClaims(issuer: string, s: LaunchSubject, a: AuthAnswer): Record<string, unknown> {
  return {
    iss: issuer,
    aud: a.clientId,
    sub: s.sub,
    nonce: a.nonce,
    azp: a.clientId,
    name: `${s.givenName} ${s.familyName}`,
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
  };
}

/**
 * Starts the bench platform: an RSA-2048 key held by a signer child process (bench/lib/platformSignerChild.ts), so
 * that RS256 signing runs on its own process and does not compete with the bench's HTTP clients; the JWKS is
 * served on 127.0.0.1 (an ephemeral port).
 */
export async function startBenchPlatform(): Promise<BenchPlatform> {
  const signer = await startSigner();
  const jwksBody = JSON.stringify({ keys: [signer.jwk] });
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
    signIdToken: (s, a) => signer.sign(launchClaims(issuer, s, a)),
    signerCpuMicros: () => signer.cpuMicros(),
    close: async () => {
      await signer.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** The signer child: signs claim sets with the platform key over IPC. */
async function startSigner() {
  const child = fork(path.join(import.meta.dirname, 'platformSignerChild.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (token: string) => void; reject: (e: Error) => void }>();
  let seq = 0;
  let cpuWaiter: ((micros: number) => void) | undefined;
  const ready = new Promise<JWK>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the platform signer exited (${code})`)));
    child.on('message', (raw: unknown) => {
      const m = raw as { type: string; id?: number; token?: string; error?: string; jwk?: JWK; cpuMicros?: number };
      if (m.type === 'ready' && m.jwk) resolve(m.jwk);
      else if (m.type === 'cpu') cpuWaiter?.(m.cpuMicros ?? 0); else if (m.id !== undefined) {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.token) w?.resolve(m.token);
        else w?.reject(new Error(m.error ?? 'signing failed'));
      }
    });
  });
  const jwk = await ready;
  return {
    jwk,
    sign: (claims: Record<string, unknown>) =>
      new Promise<string>((resolve, reject) => {
        const id = ++seq;
        waiting.set(id, { resolve, reject });
        child.send({ type: 'sign', id, claims });
      }),
    /** CPU time of the signer process so far (µs). */
    cpuMicros: () =>
      new Promise<number>((resolve) => {
        cpuWaiter = resolve;
        child.send({ type: 'cpu' });
      }),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
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
