/**
 * A throwaway PostgreSQL cluster on its own port (Debian's postgresql-common: pg_createcluster / pg_ctlcluster /
 * pg_dropcluster), for tests that stop and start the database. Never the shared cluster on 5432.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { freePort } from './tool.js';

/** A cluster the test owns. */
export interface PgCluster {
  name: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on localhost). */
  url: string;
  start(): void;
  stop(): void;
  /** Stops and deletes the cluster (idempotent; call in afterAll). */
  drop(): void;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).toString();

/** Why a throwaway cluster cannot be made here, or undefined when it can. */
export function pgClusterUnavailable(): string | undefined {
  try {
    run('sh', ['-c', 'command -v pg_createcluster && command -v pg_ctlcluster && command -v pg_dropcluster']);
  } catch {
    return 'pg_createcluster is not installed (Debian package postgresql-common)';
  }
  if (!pgVersion()) return 'no PostgreSQL server under /usr/lib/postgresql';
  return undefined;
}

function pgVersion(): string | undefined {
  try {
    return fs
      .readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))[0];
  } catch {
    return undefined;
  }
}

/**
 * Creates a stopped cluster on a free port with trust authentication. As root, postgresql-common creates it owned by
 * the `postgres` user (the server refuses to run as root) and runs pg_ctl as that user.
 */
export async function createPgCluster(): Promise<PgCluster> {
  const version = pgVersion() as string;
  const name = `masterly_outage_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  run('pg_createcluster', [version, name, '--port', String(port), '--', '--auth=trust', '--no-sync']);
  let dropped = false;
  const ctl = (action: 'start' | 'stop') => run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action, ...(action === 'stop' ? ['-m', 'fast'] : [])]);
  return {
    name,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => {
      try {
        ctl('start');
      } catch (err) {
        // pg_ctlcluster exits 2 with "Cluster is already running."
        if ((err as { status?: unknown }).status !== 2) throw err;
      }
    },
    stop: () => void ctl('stop'),
    drop: () => {
      if (dropped) return;
      dropped = true;
      run('pg_dropcluster', ['--stop', version, name]);
    },
  };
}
