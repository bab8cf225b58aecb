/**
 * The child side of the benches' IPC protocol (bench/lib/launchChild.ts): `setup` → `ready` | `error`, `stats` →
 * `stats` (statements counted by the child, memory and CPU of this process), `stop` → exit.
 */
import { z } from 'zod';

/** What a tool's child entry provides; `setup` messages are checked with `setupSchema` (others are ignored). */
export interface ToolChild<S> {
  setupSchema: z.ZodType<S>;
  setup(msg: S): Promise<void>;
  /** Database statements sent since start. */
  statements(): number;
  /** Releases what the tool holds (server, pool); the process then exits. */
  stop(): Promise<void>;
}

/** Answers the bench over IPC for `child`; exits when the bench disconnects. */
export function answerBench<S>(child: ToolChild<S>): void {
  const reply = (msg: object) => process.send?.(msg);
  const Control = z.object({ type: z.enum(['stats', 'stop']) });
  process.on('message', (raw: unknown) => {
    const setup = child.setupSchema.safeParse(raw);
    if (setup.success) {
      child.setup(setup.data).then(
        () => reply({ type: 'ready' }),
        (err: unknown) => reply({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
      return;
    }
    const control = Control.safeParse(raw);
    if (!control.success) return;
    if (control.data.type === 'stats') {
      const m = process.memoryUsage();
      const c = process.cpuUsage();
      reply({ type: 'stats', statements: child.statements(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, cpuMicros: c.user + c.system, systemMicros: c.system });
    } else {
      child
        .stop()
        .finally(() => process.exit(0))
        .catch(() => process.exit(1));
    }
  });
  process.on('disconnect', () => process.exit(0));
}
