import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  type LogEvent,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  type PostgresPool,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import { maskUrlPassword } from '../src/config/redact.js';
import { SettingsError } from '../src/config/settings-error.js';
import { migrations } from './migrations/index.js';
import { nameMarkedStatements } from './prepared-statements.js';
import type { Database } from './schema.js';

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export type Db = Kysely<Database>;

export interface OpenDatabaseOptions {
  /**
   * Told when PostgreSQL drops a pooled connection (a server restart, pg_terminate_backend),
   * once per connection. The pool opens a new one for the next query. Default: one line on
   * stderr.
   */
  onConnectionError?: (error: Error) => void;
  /** Told of every statement run, with its parameters: for checking query plans. */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
}

/** Opens the database named by the settings: an embedded SQLite file or a PostgreSQL pool. */
export function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Db {
  const onQuery = options.onQuery;
  const log = onQuery
    ? (event: LogEvent) => onQuery(event.query.sql, event.query.parameters)
    : undefined;
  if (config.kind === 'postgres') {
    const pool = openPool(config.url, options.onConnectionError ?? writeConnectionLost);
    // A connection that cannot be made says so naming the setting, whichever query asked.
    const named: PostgresPool = {
      connect: () =>
        pool.connect().catch((error: unknown) => {
          throw describeConnectFailure(config.url, error);
        }),
      end: () => pool.end(),
    };
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: named }),
      ...(log ? { log } : {}),
    });
  }
  const sqlite = openSqliteFile(config.file);
  // WAL lets the CLI read while workers write; busy_timeout makes concurrent writers wait
  // instead of failing with SQLITE_BUSY.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // A page cache (default 2 MB) that holds what a batch of match rows dirties in the indexes
  // filed by reader: smaller, the pages are written out and read back in mid-transaction.
  // Memory is taken only as pages are read.
  sqlite.pragma('cache_size = -131072');
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    ...(log ? { log } : {}),
  });
}

/**
 * The SQLite file, and the folder it is in, made when missing (readable by their owner only:
 * it holds readers' personal data; SQLite gives its -wal and -shm files the file's mode); a
 * failure names the setting.
 */
function openSqliteFile(file: string): SqliteDatabase.Database {
  try {
    if (file === ':memory:') return new SqliteDatabase(file);
    const folder = path.dirname(file);
    // chmod as well: mkdir's and open's modes are cut by the umask.
    if (fs.mkdirSync(folder, { recursive: true, mode: 0o700 }) !== undefined)
      fs.chmodSync(folder, 0o700);
    const isNew = !fs.existsSync(file);
    const sqlite = new SqliteDatabase(file);
    if (isNew) fs.chmodSync(file, 0o600);
    return sqlite;
  } catch (error) {
    throw new SettingsError(
      'DATABASE_URL',
      `cannot open the SQLite database ${file} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** The server is down, or not where DATABASE_URL says: the setting is named, the password not. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

/** PostgreSQL's codes for a connection it refused: the URL names what is not there. */
const REFUSED_CONNECTIONS: Record<string, string> = {
  '3D000': 'the database does not exist',
  '28P01': 'the login was refused',
  '28000': 'the login was refused',
};

/**
 * A failed connection as one line naming DATABASE_URL, its password masked. A database that
 * does not exist or a refused login is a setting to correct (a {@link SettingsError}); a
 * server that does not answer may be down for a moment, and is a failure like any other.
 */
function describeConnectFailure(url: string, error: unknown): Error {
  const shown = maskUrlPassword(url);
  const reason = maskUrlPassword(errorText(error));
  const code = (error as { code?: unknown } | null)?.code;
  const refused = typeof code === 'string' ? REFUSED_CONNECTIONS[code] : undefined;
  if (refused) return new SettingsError('DATABASE_URL', `${shown}: ${refused} (${reason})`);
  return new DatabaseUnreachableError(`DATABASE_URL: cannot reach ${shown} (${reason})`);
}

/**
 * An error's words on one line. A host name with two addresses (localhost: ::1 and
 * 127.0.0.1) refused on both is an AggregateError whose own message is empty.
 */
function errorText(error: unknown): string {
  if (error instanceof AggregateError && !error.message)
    return error.errors.map((inner: unknown) => errorText(inner)).join('; ');
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim() || String((error as { code?: unknown })?.code ?? error);
}

/** Statements kept prepared per SQLite connection; the digest path runs a few dozen shapes. */
const PREPARED_STATEMENTS = 500;

/**
 * The SQLite connection with a cache of prepared statements: Kysely prepares every query
 * afresh, and preparing costs about as much as running one of the digest path's small
 * statements. A statement still being iterated is never handed out twice.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDatabase.Database {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepare = (text: string): SqliteDatabase.Statement => {
    const known = statements.get(text);
    if (known && !known.busy) {
      // Re-inserted as the most recently used.
      statements.delete(text);
      statements.set(text, known);
      return known;
    }
    const statement = sqlite.prepare(text);
    statements.set(text, statement);
    if (statements.size > PREPARED_STATEMENTS)
      statements.delete(statements.keys().next().value as string);
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * A pg pool that survives dropped connections. A client that loses its connection emits
 * 'error' (twice: the server's message, then the closed socket), and an 'error' nobody
 * listens to ends the process. The pool only listens while a client is idle and re-emits
 * that on itself; a client checked out, say inside a transaction, has no listener at all.
 * So each client gets its own listener, which reports once; the query that was using it
 * fails, and pg drops the dead client when it is released.
 */
function openPool(url: string, onConnectionError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('connect', (client) => {
    nameMarkedStatements(client);
    let reported = false;
    client.on('error', (error) => {
      if (reported) return;
      reported = true;
      onConnectionError(error);
    });
  });
  // The idle client's own listener above has reported it already.
  pool.on('error', () => {});
  return pool;
}

/** The default report: one line, with the server's words but not the connection string. */
function writeConnectionLost(error: Error): void {
  process.stderr.write(
    `bulletin: lost a PostgreSQL connection (${error.message.replace(/\s+/g, ' ')}); the next query opens a new one\n`,
  );
}

/** Brings the schema up to date; safe to run from several processes and many times. */
export async function migrateDatabase(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    // A database that cannot be reached says so itself, naming DATABASE_URL.
    if (error instanceof DatabaseUnreachableError || error instanceof SettingsError) throw error;
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      failed
        ? `migration ${failed} failed: ${message}`
        : `bringing the schema up to date failed: ${message}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** `true` on PostgreSQL, where a few statements take another form. */
export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
