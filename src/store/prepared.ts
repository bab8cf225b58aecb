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
  /** The statement with `values` bound, to send later (a unit of work's held writes). */
  bind(values: Readonly<Record<P, unknown>>): CompiledQuery<R>;
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
  const bind = (values: Readonly<Record<P, unknown>>): CompiledQuery<R> => {
    const parameters = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i] as { name?: P; constant?: unknown };
      parameters[i] = s.name === undefined ? s.constant : values[s.name];
    }
    return { sql, query, queryId, parameters };
  };
  return { sql, bind, run: (db, values) => db.executeQuery<R>(bind(values)) };
}

const byDialect = new WeakMap<object, Map<string, Prepared<string, unknown>>>();

/**
 * {@link prepare}, once per `key` and database dialect (told by the handle's adapter, which its transactions share):
 * for statements built where only a run-time handle is at hand (a unit of work's transaction). `key` names the
 * statement and everything that changes its shape (which parts it has, how many rows it writes).
 */
export function preparedOn<P extends string, R>(db: Kysely<Database>, key: string, build: (param: (name: P) => never) => CompiledQuery<R>): Prepared<P, R> {
  const adapter = db.getExecutor().adapter;
  let statements = byDialect.get(adapter);
  if (!statements) byDialect.set(adapter, (statements = new Map()));
  let statement = statements.get(key) as Prepared<P, R> | undefined;
  if (!statement) statements.set(key, (statement = prepare(build) as Prepared<string, unknown> as Prepared<P, R>));
  return statement;
}

/** The values of a multi-row write as named parameters: column `c` of row `i` is `c.i` (see {@link paramRows}). */
export function rowValues(rows: readonly Readonly<Record<string, unknown>>[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Readonly<Record<string, unknown>>;
    for (const column in row) values[`${column}.${i}`] = row[column];
  }
  return values;
}

/** `n` rows of stand-ins for `columns`, named as {@link rowValues} names their values. */
export function paramRows<C extends string>(param: (name: string) => never, columns: readonly C[], n: number): Record<C, never>[] {
  return Array.from({ length: n }, (_, i) => {
    const row = {} as Record<C, never>;
    for (const c of columns) row[c] = param(`${c}.${i}`);
    return row;
  });
}

/** The columns of a row builder's rows, every one of them (a column left out fails the typecheck). */
export const columnsOf =
  <R>() =>
  <const C extends readonly (keyof R & string)[]>(columns: C & ([Exclude<keyof R, C[number]>] extends [never] ? unknown : never)): C =>
    columns;

/** An upsert's update: every column but `keys` set from the row that conflicted (`excluded.<column>`). */
export const excluded = <C extends string>(eb: { ref: (r: `excluded.${NoInfer<C>}`) => unknown }, columns: readonly C[], keys: readonly NoInfer<C>[]) =>
  Object.fromEntries(columns.filter((c) => !keys.includes(c)).map((c) => [c, eb.ref(`excluded.${c}`)]));
