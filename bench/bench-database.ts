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
}

export async function createBenchDatabase(dialect: Dialect, dir: string): Promise<BenchDatabase> {
  const name = `bulletin_bench_${randomBytes(5).toString('hex')}`;
  if (dialect === 'sqlite') {
    const file = path.join(dir, `${name}.db`);
    return {
      url: `sqlite:${file}`,
      description: file,
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }
  await adminQuery(`create database ${name}`);
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `postgresql ${url.host}/${name}`,
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
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
