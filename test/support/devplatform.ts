import net from 'node:net';
import { startDevPlatform, type DevPlatform, type Mode, type SignOptions } from '../../src/devplatform/index.js';

/** The LMS emulator as the tool's tests see it (wraps {@link DevPlatform}). */
export interface TestLms {
  url: string;
  issuer: string;
  readonly clientId: string;
  readonly deploymentId: string;
  registration(): {
    issuer: string;
    clientId: string;
    authUrl: string;
    tokenUrl: string;
    jwksUrl: string;
    deploymentIds: string[];
    name: string;
    vendor: Mode;
  };
  users: { id: string; name: string; roles: string[]; email?: string }[];
  /** A valid claim set (iss, aud, iat, exp, nonce, sub and the LTI claims) to sign as is or tamper with. */
  launchClaims(input: { userId: string; nonce: string; resourceLinkId?: string; messageType?: string }): Record<string, unknown>;
  /** Signs claims: kid null omits the kid; key 'other' uses an RSA key the platform JWKS does not publish. */
  signIdToken(claims: Record<string, unknown>, opts?: SignOptions): Promise<string>;
  faults: DevPlatform['faults'];
  /** Rotates the platform's signing key (the JWKS then serves old and new); returns the new kid. */
  rotatePlatformKey(): Promise<string>;
  /** Requests the platform JWKS has answered (or refused) so far. */
  readonly jwksRequests: number;
  setMode(m: Mode): void;
  devplatform: DevPlatform;
  close(): Promise<void>;
}

/**
 * Starts an emulator on an ephemeral localhost port with an in-memory database (`now`: its clock, epoch ms).
 * `host: '127.0.0.1'` gives it that address as its URL instead: another site than a tool on localhost, so that a
 * browser treats the tool in its course page as third-party.
 */
export async function startTestLms(opts: { toolUrl: string; mode?: Mode; now?: () => number; splitOrigins?: boolean; host?: '127.0.0.1'; gradedActivity?: boolean }): Promise<TestLms> {
  const port = opts.host ? await freeLoopbackPort() : 0;
  const devplatform = await startDevPlatform({
    port,
    ...(opts.host ? { baseUrl: `http://${opts.host}:${port}` } : {}),
    toolUrl: opts.toolUrl,
    mode: opts.mode ?? 'generic',
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.splitOrigins ? { splitOrigins: true } : {}),
    ...(opts.gradedActivity ? { gradedActivity: true } : {}),
  });
  return {
    url: devplatform.url,
    issuer: devplatform.issuer,
    // Getters: a registration by URL gives the emulator a new client id and deployment id.
    get clientId() {
      return devplatform.clientId;
    },
    get deploymentId() {
      return devplatform.deploymentId;
    },
    registration: () => devplatform.registration(),
    get users() {
      return devplatform.users.map((u) => ({ id: u.id, name: u.name, roles: [...u.roles], ...(u.email ? { email: u.email } : {}) }));
    },
    launchClaims: (input) => devplatform.launchClaims(input),
    signIdToken: (claims, o) => devplatform.signIdToken(claims, o),
    faults: devplatform.faults,
    rotatePlatformKey: () => devplatform.rotatePlatformKey(),
    get jwksRequests() {
      return devplatform.jwksRequests;
    },
    setMode: (m) => devplatform.setMode(m),
    devplatform,
    close: () => devplatform.close(),
  };
}

/** A free TCP port (for an emulator that must know its URL before it listens). */
async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface StoredCookie {
  value: string;
  path: string;
  expires?: number;
}

/** A cookie-keeping browser. */
export interface TestBrowser {
  get(url: string): Promise<Response>;
  postForm(url: string, fields: Record<string, string>, opts?: { origin?: string }): Promise<Response>;
  /** Follows redirects (up to 10) from `res`; returns `res` itself when it is not a redirect. */
  follow(res: Response): Promise<Response>;
  /** Cookies the browser holds for a host name (cookies ignore ports, as in real browsers). */
  cookies(host: string): Record<string, string>;
  /** The URL a response was fetched from. */
  urlOf(res: Response): string;
}

const hostOf = (url: string): string => new URL(url).hostname;

/**
 * A cookie-keeping HTTP client (per host, honours Set-Cookie incl. `SameSite=None; Secure` on http://localhost,
 * which browsers treat as a secure context) using global fetch with `redirect: 'manual'`; `headers` go on every request.
 */
export function browser(opts: { headers?: Record<string, string> } = {}): TestBrowser {
  const jar = new Map<string, Map<string, StoredCookie>>();
  const urls = new WeakMap<Response, string>();

  const store = (url: string, res: Response): void => {
    const host = hostOf(url);
    const cookies = jar.get(host) ?? new Map<string, StoredCookie>();
    jar.set(host, cookies);
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const cookie: StoredCookie = { value, path: '/' };
      for (const attr of attrs) {
        const [k = '', v = ''] = attr.split('=').map((x) => x.trim());
        const key = k.toLowerCase();
        if (key === 'path' && v.startsWith('/')) cookie.path = v;
        if (key === 'max-age') cookie.expires = Date.now() + Number(v) * 1000;
        if (key === 'expires' && cookie.expires === undefined) cookie.expires = Date.parse(v);
      }
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) cookies.delete(name);
      else cookies.set(name, cookie);
    }
  };
  const cookieHeader = (url: string): string | undefined => {
    const u = new URL(url);
    const cookies = jar.get(u.hostname);
    if (!cookies) return undefined;
    const now = Date.now();
    const pairs = [...cookies.entries()]
      .filter(([, c]) => (c.expires === undefined || c.expires > now) && (u.pathname === c.path || u.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map(([n, c]) => `${n}=${c.value}`);
    return pairs.length ? pairs.join('; ') : undefined;
  };
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v); // e.g. x-forwarded-for: a client address
    const cookie = cookieHeader(url);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    store(url, res);
    urls.set(res, url);
    return res;
  };

  const self: TestBrowser = {
    get: (url) => send(url, { method: 'GET' }),
    postForm: (url, fields, o) =>
      send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(o?.origin ? { origin: o.origin } : {}) },
        body: new URLSearchParams(fields).toString(),
      }),
    async follow(res) {
      let current = res;
      for (let i = 0; i < 10; i++) {
        const location = current.headers.get('location');
        if (current.status < 300 || current.status >= 400 || !location) return current;
        await current.body?.cancel();
        current = await self.get(new URL(location, self.urlOf(current)).toString());
      }
      throw new Error('too many redirects');
    },
    cookies(host) {
      return Object.fromEntries([...(jar.get(host)?.entries() ?? [])].map(([n, c]) => [n, c.value]));
    },
    urlOf: (res) => urls.get(res) ?? res.url,
  };
  return self;
}

const decodeEntities = (s: string): string =>
  s.replace(/&(amp|lt|gt|quot|#34|#39|#x27);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'", '#x27': "'" })[e] ?? '');

/** An HTML form: where it goes and its named inputs. */
export interface ParsedForm {
  action: string;
  method: 'GET' | 'POST';
  fields: Record<string, string>;
}

/** Parses the first form of an auto-submitting page (the LMS's id_token post, or a tool's POSTed auth request). */
export function parseForm(html: string, pageUrl: string): ParsedForm | undefined {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const attr = (tag: string, name: string): string | undefined => {
    const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
    return m ? decodeEntities(m[2] ?? m[3] ?? '') : undefined;
  };
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(input[0], 'name');
    if (name) fields[name] = attr(input[0], 'value') ?? '';
  }
  const tag = form[1] ?? '';
  return {
    action: new URL(attr(tag, 'action') ?? pageUrl, pageUrl).toString(),
    method: (attr(tag, 'method') ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET',
    fields,
  };
}

const rebuilt = (text: string, res: Response): Response => new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });

/**
 * Full flow as a browser would: GET tool login (with the iframe src params) → follow 302 to LMS /auth → parse the
 * auto-submit form → POST id_token+state to the tool's /lti/launch → follow redirects; returns the final response.
 * If the tool or the LMS refuses along the way, that refusal is the returned response.
 */
export async function launchAs(
  lms: TestLms,
  toolUrl: string,
  opts: {
    userId: string;
    messageType?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest' | 'LtiSubmissionReviewRequest';
    browser?: TestBrowser;
    resourceLinkId?: string;
    forUserId?: string;
  },
): Promise<{ response: Response; browser: TestBrowser }> {
  void toolUrl; // the emulator already knows the tool's URLs; kept for the contract
  const b = opts.browser ?? browser();
  const { loginUrl } = await lms.devplatform.createLaunch({
    userId: opts.userId,
    ...(opts.messageType ? { messageType: opts.messageType } : {}),
    ...(opts.resourceLinkId ? { resourceLinkId: opts.resourceLinkId } : {}),
    ...(opts.forUserId ? { forUserId: opts.forUserId } : {}),
  });
  return launchFromLoginUrl(lms, b, loginUrl);
}

/** The rest of a launch from the iframe's login URL (what an LMS page puts in the frame), as a browser follows it. */
export async function launchFromLoginUrl(lms: TestLms, b: TestBrowser, loginUrl: string): Promise<{ response: Response; browser: TestBrowser }> {
  const authUrl = lms.registration().authUrl;
  let res = await b.follow(await b.get(loginUrl));
  if (!b.urlOf(res).startsWith(authUrl)) {
    // Some tools send the auth request as an auto-submitting form instead of a redirect.
    const text = await res.text();
    const form = res.status === 200 ? parseForm(text, b.urlOf(res)) : undefined;
    if (!form || !form.action.startsWith(authUrl)) return { response: rebuilt(text, res), browser: b };
    res =
      form.method === 'POST'
        ? await b.follow(await b.postForm(form.action, form.fields, { origin: new URL(b.urlOf(res)).origin }))
        : await b.follow(await b.get(`${form.action.split('?')[0]}?${new URLSearchParams(form.fields).toString()}`));
  }
  const authPage = await res.text();
  const idTokenForm = res.status === 200 ? parseForm(authPage, b.urlOf(res)) : undefined;
  if (!idTokenForm || !idTokenForm.fields.id_token) return { response: rebuilt(authPage, res), browser: b };
  const launched = await b.postForm(idTokenForm.action, idTokenForm.fields, { origin: new URL(lms.url).origin });
  return { response: await b.follow(launched), browser: b };
}
