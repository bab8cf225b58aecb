import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** Marks a parameter while the statement is compiled; never reaches the database. */
const MARK = '\u0000masterly-param:';

/**
 * A statement Kysely built and compiled once (for the dialect of the handle that compiled it), run with its parameters
 * bound by name: no query builder, operation-node tree or compilation per execution, which on the launch path cost
 * more CPU than the rest of a statement's client-side work.
 */
export interface Prepared<P extends string, R> {
  /** The SQL text, as compiled (tests and logs). */
  readonly sql: string;
  /** Runs the statement on `db` (the handle it was compiled for, or a transaction of it). */
  run(db: Kysely<Database>, values: Readonly<Record<P, unknown>>): Promise<QueryResult<R>>;
}

/**
 * Compiles `build`'s statement once. `build` receives `param(name)`, a stand-in to pass wherever a value goes (in a
 * query builder or a `sql` template); the same name may appear several times. Values written literally in the
 * builder stay constants.
 *
 * @example
 * const consume = prepare<'at' | 'state', Row>((p) =>
 *   db.updateTable('login_states').set({ consumed_at: p('at') }).where('state', '=', p('state')).returningAll().compile());
 * const { rows } = await consume.run(db, { at: Date.now(), state });
 */
export function prepare<P extends string, R>(build: (param: (name: P) => never) => CompiledQuery<R>): Prepared<P, R> {
  const compiled = build((name) => `${MARK}${name}` as never);
  const slots = compiled.parameters.map((v) =>
    typeof v === 'string' && v.startsWith(MARK) ? { name: v.slice(MARK.length) as P } : { constant: v },
  );
  const { sql, query, queryId } = compiled;
  return {
    sql,
    run: (db, values) => {
      const parameters = new Array<unknown>(slots.length);
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i] as { name?: P; constant?: unknown };
        parameters[i] = s.name === undefined ? s.constant : values[s.name];
      }
      return db.executeQuery<R>({ sql, query, queryId, parameters });
    },
  };
}
