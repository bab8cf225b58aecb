import { CompiledQuery, type Compilable, type Kysely, type OperationNodeSource } from 'kysely';
import type { Dialect } from './db.js';
import type { Database } from './schema.js';

/**
 * A write statement (insert, update or upsert; its result is not used): built on the unit of work's transaction, or
 * already compiled with its values bound (a prepared statement's `bind`).
 */
type Write = (Compilable & OperationNodeSource) | CompiledQuery;

const compiledOf = (w: Write): CompiledQuery => ('compile' in w ? w.compile() : w);

/** Sends one write now (outside a unit of work). */
export const sendWrite = (db: Kysely<Database>, w: Write): Promise<unknown> => db.executeQuery(compiledOf(w));

/**
 * The writes of one unit of work (an answer, LMS evidence, an instructor action), held back and sent together: on
 * PostgreSQL as ONE statement of data-modifying CTEs (each runs exactly once, to completion, in the same snapshot),
 * on SQLite one after the other. A read of a table with writes pending sends them first (`before`), and so does a
 * second write to the same table (two CTEs changing one row in one statement would leave one of the changes), so the
 * unit of work always reads its own writes; the owner sends what is left before commit (`flush`). Statement count,
 * not SQL size, is what an answer costs on a loaded server (each round trip is a socket write and a wake-up).
 */
export class WriteBehind {
  private pending: ({ table: string; query: Write } | { table: string; rows: Map<string, unknown>; build: (rows: unknown[]) => Write })[] = [];

  constructor(
    private readonly trx: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Queues `query`, which writes `table`. */
  async write(table: keyof Database, query: Write): Promise<void> {
    if (this.pending.some((p) => p.table === table)) await this.flush();
    this.pending.push({ table, query });
  }

  /**
   * Queues `row` for one upsert of `table` that `build` makes of every row queued for it until it is sent (so two
   * objectives' standings changed by one answer are one write, not a flush between two); a row with the same `key`
   * replaces the queued one (a multi-row upsert may not change one row twice). `build` must upsert from `excluded`.
   */
  async upsertRow<R>(table: keyof Database, key: string, row: R, build: (rows: R[]) => Write): Promise<void> {
    const queued = this.pending.find((p) => p.table === table);
    if (queued && 'rows' in queued) {
      queued.rows.set(key, row);
      return;
    }
    if (queued) await this.flush();
    this.pending.push({ table, rows: new Map([[key, row]]), build: build as (rows: unknown[]) => Write });
  }

  /** Sends pending writes to any of `tables` (and everything queued with them) before a read of those tables. */
  async before(...tables: (keyof Database)[]): Promise<void> {
    if (this.pending.some((p) => tables.includes(p.table as keyof Database))) await this.flush();
  }

  /** Sends every pending write. */
  async flush(): Promise<void> {
    const pending = this.pending;
    if (!pending.length) return;
    this.pending = [];
    const writes = pending.map((p) => compiledOf('rows' in p ? p.build([...p.rows.values()]) : p.query));
    if (this.dialect !== 'postgres' || writes.length === 1) {
      for (const w of writes) await this.trx.executeQuery(w);
      return;
    }
    // One statement: each write a CTE, its parameters renumbered after those of the writes before it (the writes pass
    // every value as a parameter, never as a literal, so a `$n` in their text is always a placeholder).
    const parameters: unknown[] = [];
    const parts = writes.map((w, i) => {
      const offset = parameters.length;
      parameters.push(...w.parameters);
      return `"w${i}" as (${offset ? w.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`) : w.sql})`;
    });
    await this.trx.executeQuery(CompiledQuery.raw(`with ${parts.join(', ')} select 1`, parameters));
  }
}
