import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../../db/connection.js';

/** Every integration test runs on both dialects. */
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** The PostgreSQL server tests create their databases on (the local one by default). */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  config: DatabaseConfig;
  /** For DATABASE_URL when a test starts a Bulletin process. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database of its own for one test file: a temporary SQLite file, or a new
 * PostgreSQL database with a random name, so parallel runs never collide.
 */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const name = `bulletin_test_${randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-test-'));
    const file = path.join(dir, `${name}.db`);
    return {
      config: { kind: 'sqlite', file },
      url: `sqlite:${file}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString() },
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
