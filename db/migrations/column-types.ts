import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The few column types that differ between SQLite and PostgreSQL, so one migration set serves
 * both: identity columns, timestamps, booleans, JSON and bytes.
 */
export function columnTypes(db: Kysely<unknown>) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    id: 'integer' as const,
    identity: (c: ColumnDefinitionBuilder) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    timestamp: postgres ? ('timestamptz' as const) : ('text' as const),
    boolean: postgres ? ('boolean' as const) : ('integer' as const),
    json: postgres ? sql`jsonb` : ('text' as const),
    /** Bytes as they are: a message that is not text, NUL bytes and all. */
    bytes: postgres ? ('bytea' as const) : ('blob' as const),
  };
}
