import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino, type Level } from 'pino';
import { describe, expect, it } from 'vitest';
import { requestLog } from '../../src/web/requestLog.js';
import { errorHandler } from '../../src/web/errors.js';

/** An app with the request logger at `level`, a page, a failing route and /healthz; returns its log lines. */
async function withApp(level: Level, fn: (base: string) => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level }, sink);
  const app = express();
  app.use(requestLog({ logger, ignore: (p) => p === '/healthz' }));
  app.get('/page', (_req, res) => {
    res.send('ok');
  });
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.use(errorHandler(logger));
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    await new Promise((r) => server.close(r));
  }
  return lines;
}

describe('request log', () => {
  it('writes one line per request at info: id, method, path without query, status; never for /healthz', async () => {
    let id = '';
    const lines = await withApp('info', async (base) => {
      const res = await fetch(`${base}/page?id_token=secret`, { headers: { cookie: 'a=b', authorization: 'Bearer x' } });
      id = res.headers.get('x-request-id') ?? '';
      await fetch(`${base}/healthz`);
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request completed', req: { id, method: 'GET', url: '/page' }, res: { statusCode: 200 } });
    expect(JSON.stringify(lines)).not.toMatch(/secret|Bearer|a=b/);
  });

  it('logs nothing per request above info, but a failure still with its request id', async () => {
    let id = '';
    const lines = await withApp('warn', async (base) => {
      await fetch(`${base}/page`);
      const res = await fetch(`${base}/boom`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(500);
      id = res.headers.get('x-request-id') ?? '';
      expect(((await res.json()) as { error: { requestId: string } }).error.requestId).toBe(id);
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request failed', code: 'ERR_INTERNAL', req: { id, method: 'GET', url: '/boom' } });
  });
});
