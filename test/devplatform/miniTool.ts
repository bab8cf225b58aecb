import { randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cookieParser from 'cookie-parser';
import { SignJWT, createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { TestLms } from '../support/devplatform.js';

/** A minimal LTI tool for testing the emulator on its own: login, launch, JWKS, client assertions. */
export interface MiniTool {
  url: string;
  connect(lms: TestLms): void;
  /** A private_key_jwt client assertion for the LMS token endpoint. */
  assertion(overrides?: Record<string, unknown>, opts?: { kid?: string; otherKey?: boolean }): Promise<string>;
  /** Gets an access token (throws unless 200). */
  token(scopes: string[]): Promise<string>;
  /** Signs a Deep Linking response with the tool key. */
  signResponse(claims: Record<string, unknown>): Promise<string>;
  /** How many times the LMS fetched our JWKS. */
  jwksFetches(): number;
  rotateKey(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the mini tool on an ephemeral localhost port. */
export async function startMiniTool(): Promise<MiniTool> {
  let key = await makeKey();
  const other = await makeKey();
  let lms: TestLms | undefined;
  let fetches = 0;
  const logins = new Map<string, string>();
  const app = express();
  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false }));
  app.get('/.well-known/jwks.json', (_req, res) => {
    fetches += 1;
    res.json({ keys: [key.jwk] });
  });
  app.get('/lti/login', (req, res) => {
    if (!lms) throw new Error('not connected');
    const q = req.query as Record<string, string>;
    const state = randomUUID();
    const nonce = randomUUID();
    logins.set(state, nonce);
    res.cookie(`lti_state_${state.slice(0, 8)}`, state, { sameSite: 'none', secure: true, httpOnly: true, path: '/' });
    const params = new URLSearchParams({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: q.client_id ?? '',
      redirect_uri: `${url}/lti/launch`,
      login_hint: q.login_hint ?? '',
      state,
      nonce,
      ...(q.lti_message_hint ? { lti_message_hint: q.lti_message_hint } : {}),
    });
    res.redirect(302, `${lms.registration().authUrl}?${params.toString()}`);
  });
  app.post('/lti/launch', async (req, res) => {
    if (!lms) throw new Error('not connected');
    const { id_token: idToken, state } = req.body as Record<string, string>;
    const cookies = req.cookies as Record<string, string>;
    if (!state || cookies[`lti_state_${state.slice(0, 8)}`] !== state) {
      res.status(401).json({ error: 'state' });
      return;
    }
    const { payload } = await jwtVerify(idToken ?? '', createRemoteJWKSet(new URL(lms.registration().jwksUrl)), {
      issuer: lms.issuer,
      audience: lms.clientId,
    });
    if (payload.nonce !== logins.get(state)) {
      res.status(401).json({ error: 'nonce' });
      return;
    }
    logins.delete(state);
    res.redirect(303, `/hello?sub=${encodeURIComponent(String(payload.sub))}&claims=${encodeURIComponent(JSON.stringify(payload))}`);
  });
  app.get('/hello', (req, res) => {
    res.type('application/json').send(String((req.query as Record<string, string>).claims));
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;

  const self: MiniTool = {
    url,
    connect(l) {
      lms = l;
    },
    async assertion(overrides = {}, opts = {}) {
      if (!lms) throw new Error('not connected');
      const signer = opts.otherKey ? other : key;
      const now = Math.floor(Date.now() / 1000);
      const claims: JWTPayload = {
        iss: lms.clientId,
        sub: lms.clientId,
        aud: lms.registration().tokenUrl,
        iat: now,
        exp: now + 300,
        jti: randomBytes(12).toString('hex'),
        ...overrides,
      };
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? signer.kid }).sign(signer.privateKey);
    },
    async token(scopes) {
      if (!lms) throw new Error('not connected');
      const res = await fetch(lms.registration().tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MiniTool/1' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: await self.assertion(),
          scope: scopes.join(' '),
        }),
      });
      if (res.status !== 200) throw new Error(`token ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    async signResponse(claims) {
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    },
    jwksFetches: () => fetches,
    async rotateKey() {
      key = await makeKey();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return self;
}

async function makeKey(): Promise<{ kid: string; jwk: JWK; privateKey: webcrypto.CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}
