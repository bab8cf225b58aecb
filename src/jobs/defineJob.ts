/**
 * One job per file (STYLE rule 12): a name, a typed payload schema, an idempotency key and `perform`,
 * which calls a service. Jobs hold no state; runners (outboxWorker, rosterSchedule) decide when they run.
 */
import type { z } from 'zod';

/** A defined job. */
export interface Job<S, P> {
  name: string;
  payload: z.ZodType<P>;
  /** Same key = same work: runners skip a key that is already running. */
  key(payload: P): string;
  perform(services: S, payload: P): Promise<unknown>;
  /** Validates the payload, then performs. */
  run(services: S, raw: unknown): Promise<unknown>;
}

/** Defines a job with a validated payload. */
export function defineJob<S, P>(spec: {
  name: string;
  payload: z.ZodType<P>;
  key: (payload: P) => string;
  perform: (services: S, payload: P) => Promise<unknown>;
}): Job<S, P> {
  return {
    ...spec,
    run: (services, raw) => spec.perform(services, spec.payload.parse(raw)),
  };
}
