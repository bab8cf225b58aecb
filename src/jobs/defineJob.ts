/**
 * One job per file (STYLE rule 12): a name, a typed payload schema, an idempotency key and `perform`,
 * which calls a service. Jobs hold no state; the schedules (src/jobs/schedules.ts) decide when they run.
 */
import type { z } from 'zod';

/** A defined job: services `S`, payload `P`, result `R`. */
export interface Job<S, P, R> {
  name: string;
  payload: z.ZodType<P>;
  /** Same key = same work: runners skip a key that is already running. */
  key(payload: P): string;
  perform(services: S, payload: P): Promise<R>;
  /** Validates the payload, then performs. */
  run(services: S, raw: unknown): Promise<R>;
}

/** Defines a job with a validated payload; its result type is `perform`'s. */
export function defineJob<S, P, R>(spec: {
  name: string;
  payload: z.ZodType<P>;
  key: (payload: P) => string;
  perform: (services: S, payload: P) => Promise<R>;
}): Job<S, P, R> {
  return {
    ...spec,
    run: (services, raw) => spec.perform(services, spec.payload.parse(raw)),
  };
}
