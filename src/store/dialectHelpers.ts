import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

/**
 * Portable column conventions for migrations (one schema, both dialects):
 * - timestamps are epoch milliseconds in `bigint` columns;
 * - booleans are `integer` 0/1;
 * - JSON is `text` (serialised in the repositories);
 * - surrogate keys are text UUIDs made by the app, or `autoId` for append-only logs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on an untyped Kysely by design
type AnyDb = Kysely<any>;

export const isPostgres = (db: AnyDb): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** Adds an auto-increment integer primary key named `id` (bigserial on PostgreSQL). */
export function autoId<T extends string>(db: AnyDb, table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
  return isPostgres(db)
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
