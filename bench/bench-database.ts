/** A fresh, empty database for one benchmark run: a SQLite file or a new PostgreSQL database. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

/** The PostgreSQL server benchmark databases are created on (`create database` rights). */
export const BENCH_POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  /** For DATABASE_URL. */
  url: string;
  /** What to show: the file, or the server and database name without credentials. */
  description: string;
  drop(): Promise<void>;
  /** A copy of it as it is now (nothing may be connected to it meanwhile), dropped by `drop`. */
  clone(): Promise<BenchDatabase>;
}

export async function createBenchDatabase(dialect: Dialect, dir: string): Promise<BenchDatabase> {
  const name = `bulletin_bench_${randomBytes(5).toString('hex')}`;
  if (dialect === 'sqlite') {
    const file = path.join(dir, `${name}.db`);
    return sqliteFile(file);
  }
  await adminQuery(`create database ${name}`);
  return postgresDatabase(name);
}

function sqliteFile(file: string): BenchDatabase {
  const copies: BenchDatabase[] = [];
  return {
    url: `sqlite:${file}`,
    description: file,
    drop: async () => {
      for (const copy of copies) await copy.drop();
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    },
    clone: async () => {
      const copy = file.replace(/\.db$/, `-copy${copies.length + 1}.db`);
      for (const suffix of ['', '-wal'])
        if (fs.existsSync(`${file}${suffix}`))
          fs.copyFileSync(`${file}${suffix}`, `${copy}${suffix}`);
      const database = sqliteFile(copy);
      copies.push(database);
      return database;
    },
  };
}

function postgresDatabase(name: string): BenchDatabase {
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  const copies: BenchDatabase[] = [];
  return {
    url: url.toString(),
    description: `postgresql ${url.host}/${name}`,
    drop: async () => {
      for (const copy of copies) await copy.drop();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
    clone: async () => {
      const copy = `${name}_copy${copies.length + 1}`;
      // A file-level copy of the template: seconds, where seeding again takes minutes.
      await adminQuery(`create database ${copy} template ${name}`);
      const database = postgresDatabase(copy);
      copies.push(database);
      return database;
    },
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
