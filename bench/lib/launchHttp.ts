/**
 * A small keep-alive HTTP/1.1 client and a one-browser cookie jar for the launch benchmark.
 * node:http rather than fetch: less client CPU on a 2-core machine that also runs the tool.
 */
import http from 'node:http';

/** What the bench needs from a response. */
export interface HttpAnswer {
  status: number;
  location: string | undefined;
  setCookies: string[];
  body: string;
}

/** One keep-alive agent per load run (the tool sees at most `concurrency` connections). */
export const keepAliveAgent = (): http.Agent => new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });

/** Sends one request and reads the whole body. Rejects on network errors and after `timeoutMs`. */
export function send(
  agent: http.Agent,
  method: 'GET' | 'POST',
  url: URL,
  headers: Record<string, string>,
  body?: string,
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        method,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const sc = res.headers['set-cookie'];
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            setCookies: sc ?? [],
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The cookies of one browser on one host (the bench talks to a single origin per tool). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Applies Set-Cookie headers: stores values, drops cookies that are cleared or expired. */
  take(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = '', v = ''] = a.split('=').map((s) => s.trim());
        const key = k.toLowerCase();
        return (key === 'max-age' && Number(v) <= 0) || (key === 'expires' && Date.parse(v) <= Date.now());
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The Cookie header to send, or an empty object when the jar is empty. */
  header(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  /** Names of the cookies held (for checks and notes). */
  names(): string[] {
    return [...this.cookies.keys()];
  }
}
