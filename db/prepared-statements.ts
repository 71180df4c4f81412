import type pg from 'pg';

/**
 * PostgreSQL prepared statements for the hot queries ({@link reusableQuery}'s): the server
 * parses and plans a named statement once per connection, where an unnamed one is parsed and
 * planned on every run (measured here: 190 µs a point query unnamed, 115 µs named).
 *
 * A statement's plan outlives a schema change only while its result keeps its shape: after a
 * migration adds a column to a table a `select *` reads, the server refuses the old statement
 * (0A000), and a pooler that drops statements behind our back makes it unknown (26000). Either
 * way that query fails (its job is retried) and the connection names its statements anew.
 */
const names = new Map<string, string>();
const STALE_STATEMENT_CODES = new Set(['0A000', '26000']);

/** Marks a query's SQL as one to run as a named statement. */
export function prepareOnServer(sql: string): void {
  if (!names.has(sql)) names.set(sql, `bulletin_${names.size + 1}`);
}

/** Makes a pooled client run the marked queries as named statements. */
export function nameMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let generation = 0;
  const named = (...args: unknown[]): unknown => {
    const [text, values] = args;
    const name = typeof text === 'string' && args.length <= 2 ? names.get(text) : undefined;
    if (name === undefined) return query(...args);
    const running = query({ name: `${name}_${generation}`, text, values }) as Promise<unknown>;
    return running.catch((error: { code?: string }) => {
      if (error.code && STALE_STATEMENT_CODES.has(error.code)) generation++;
      throw error;
    });
  };
  client.query = named as typeof client.query;
}
