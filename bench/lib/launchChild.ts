/**
 * The tools under test run in child processes (so their RSS is their own) and talk to the bench over IPC:
 * `setup` → `ready` | `error`, `stats` → `stats`, `stop` → exit. See bench/lib/launchMasterlyChild.ts and
 * bench/peers/ltijs/server.cjs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

/** What a tool process reports about itself. */
export interface ToolStats {
  /** Database statements sent since start. */
  statements: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** CPU time the process has used since start (user + system), in microseconds. */
  cpuMicros: number;
  /** The system (kernel) part of cpuMicros: socket writes and reads to the database and clients, mostly. */
  systemMicros: number;
}

type Reply = { type: 'ready' } | { type: 'error'; message: string } | ({ type: 'stats' } & ToolStats);

const isReply = (m: unknown): m is Reply =>
  typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';

/** A tool running in a child process. */
export class ToolProcess {
  private readonly waiters: Array<{ type: Reply['type']; resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private tail = '';
  private exited = false;

  private constructor(private readonly child: ChildProcess, readonly label: string) {
    const keep = (b: Buffer) => {
      this.tail = (this.tail + b.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (m: unknown) => {
      if (!isReply(m)) return;
      const i = this.waiters.findIndex((w) => w.type === m.type || m.type === 'error');
      if (i < 0) return;
      const [w] = this.waiters.splice(i, 1);
      if (!w) return;
      if (m.type === 'error') w.reject(new Error(`${label}: ${m.message}`));
      else w.resolve(m);
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const w of this.waiters.splice(0)) {
        w.reject(new Error(`${label} exited (${signal ?? code}) before answering:\n${this.tail}`));
      }
    });
  }

  /** Forks `modulePath` with an IPC channel; stdout/stderr are kept (last 4 kB) for error reports. */
  static start(label: string, modulePath: string, opts: { execArgv?: string[]; cwd?: string; env?: NodeJS.ProcessEnv } = {}): ToolProcess {
    // BENCH_NODE_FLAGS: extra Node flags for the tools (e.g. --max-semi-space-size=4, --trace-deopt);
    // BENCH_VERBOSE=1 shows the tools' output instead of keeping only its tail for error reports.
    const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    const verbose = Boolean(process.env.BENCH_VERBOSE);
    const child = fork(modulePath, [], {
      cwd: opts.cwd,
      // Last, so that they win over the tool's own flags (e.g. the heap sizing of `npm start`).
      execArgv: [...(opts.execArgv ?? []), ...extra],
      env: opts.env ?? process.env,
      stdio: ['ignore', verbose ? 'inherit' : 'pipe', verbose ? 'inherit' : 'pipe', 'ipc'],
    });
    return new ToolProcess(child, label);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last output of the child (for notes when something fails). */
  output(): string {
    return this.tail;
  }

  private ask<T extends Reply['type']>(msg: object, type: T, timeoutMs: number): Promise<Extract<Reply, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.exited) {
        reject(new Error(`${this.label} is not running:\n${this.tail}`));
        return;
      }
      const timer = setTimeout(() => reject(new Error(`${this.label}: no "${type}" answer within ${timeoutMs} ms:\n${this.tail}`)), timeoutMs);
      this.waiters.push({
        type,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as Extract<Reply, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send(msg);
    });
  }

  /** Sends the setup message and waits until the tool is listening with the platform registered. */
  async setup(msg: object, timeoutMs = 120_000): Promise<void> {
    await this.ask({ type: 'setup', ...msg }, 'ready', timeoutMs);
  }

  /** Statement count and memory, as the child sees them. */
  async stats(): Promise<ToolStats> {
    const { statements, rss, heapUsed, heapTotal, external, cpuMicros, systemMicros } = await this.ask({ type: 'stats' }, 'stats', 30_000);
    return { statements, rss, heapUsed, heapTotal, external, cpuMicros, systemMicros };
  }

  /** Resident set size from /proc (Linux), without disturbing the child's event loop; undefined elsewhere. */
  rssFromProc(): number | undefined {
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** Asks the child to stop; kills this child (by its pid) if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Names this checkout's bench databases and build directory apart from other checkouts' (several worktrees of the
 * repository share one PostgreSQL server and one node_modules): `masterly_bench_<checkout>` etc.
 */
export const benchNamespace = (path.basename(path.resolve(import.meta.dirname, '../..')).toLowerCase().replace(/[^a-z0-9]+/g, '_') || 'main').slice(0, 20);

/** A free TCP port on this machine (ltijs cannot listen on port 0). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Drops and recreates database `name` on the server of `adminUrl` (a URL to any database there). */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
