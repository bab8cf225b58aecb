/**
 * The process logger: JSON lines (pino) in production and whenever LOG_FORMAT=json, for log shippers; short readable
 * lines in development and the demo ("12:04:31 INFO  Masterly is listening url=http://localhost:3000"), so a newcomer
 * running `npm run demo` sees what to open. Both carry the same fields (ids, never names or answers).
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/schema.js';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

const show = (v: unknown): string => {
  if (v !== null && typeof v === 'object') {
    const err = v as { type?: unknown; message?: unknown };
    if (typeof err.message === 'string') return JSON.stringify(`${typeof err.type === 'string' ? `${err.type}: ` : ''}${err.message}`);
    return JSON.stringify(v);
  }
  return typeof v === 'string' && !/[\s"=]/.test(v) && v !== '' ? v : JSON.stringify(v);
};

/** One pino JSON line as a readable line (exported for tests). */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof o.time === 'number' ? new Date(o.time).toTimeString().slice(0, 8) : '';
  const level = LEVELS[Number(o.level)] ?? String(o.level);
  const fields = Object.entries(o)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(' ');
  return `${time} ${level} ${typeof o.msg === 'string' ? o.msg : ''}${fields ? `  ${fields}` : ''}`;
}

/** A stream that prints each JSON line pretty to `out`. */
export function prettyStream(out: NodeJS.WritableStream = process.stdout): Writable {
  let rest = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${prettyLine(line)}\n`);
      done();
    },
  });
}

/** The logger of a web or worker process, per LOG_LEVEL and LOG_FORMAT. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>): Logger {
  return config.LOG_FORMAT === 'pretty' ? pino({ level: config.LOG_LEVEL }, prettyStream()) : pino({ level: config.LOG_LEVEL });
}
