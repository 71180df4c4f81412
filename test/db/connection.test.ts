import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../db/connection.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CONNECTION_MODULE = path.resolve(import.meta.dirname, '../../db/connection.ts');

/** What a server restart does to every connection but the caller's. */
async function terminateOtherBackends(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      'select pg_terminate_backend(pid) as gone from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return rows.filter((row) => row.gone).length;
  } finally {
    await admin.end();
  }
}

async function backendPid(db: Db): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  return rows[0]!.pid;
}

/** Until a connection sits in an open transaction, waiting for its next statement. */
async function waitForIdleInTransaction(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const { rows } = await admin.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'idle in transaction'",
      );
      if (rows[0].n > 0) return;
      if (Date.now() > deadline) throw new Error('no connection is idle in transaction');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await admin.end();
  }
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a PostgreSQL pool whose connections are terminated', () => {
  let database: TestDatabase;
  let db: Db;
  let lost: Error[];

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
    lost = [];
    db = openDatabase(database.config, { onConnectionError: (error) => lost.push(error) });
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  it('reports each idle connection once, and the next query gets a new one', async () => {
    // Two queries at once leave two idle connections in the pool.
    await Promise.all([sql`select pg_sleep(0.05)`.execute(db), sql`select 1`.execute(db)]);
    const before = await backendPid(db);

    expect(await terminateOtherBackends(database.url)).toBe(2);
    await waitFor(() => lost.length >= 2, 'two lost connections');
    // The server's message and the closed socket are one event per connection.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lost).toHaveLength(2);
    expect(lost[0]?.message).toMatch(/terminat/);

    const after = await backendPid(db);
    expect(after).not.toBe(before);
    // The new connection is a healthy one: nothing more to report.
    expect(lost).toHaveLength(2);
  });

  it('reports a connection lost while checked out; that work fails and the next query runs', async () => {
    let terminated: () => void = () => {};
    const lostInside = new Promise<void>((resolve) => (terminated = resolve));
    const transaction = db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await lostInside;
      await sql`select 2`.execute(trx);
    });
    await waitForIdleInTransaction(database.url);

    expect(await terminateOtherBackends(database.url)).toBe(1);
    await waitFor(() => lost.length === 1, 'the lost connection');
    terminated();
    await expect(transaction).rejects.toThrow();

    expect(await backendPid(db)).toBeGreaterThan(0);
    expect(lost).toHaveLength(1);
  });
});

describe('the default report of a lost connection', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
  });
  afterEach(async () => database.drop());

  it('is one line on stderr without the connection string, and the process goes on', async () => {
    // A process of its own, so that an unhandled 'error' would end it as it would end Bulletin.
    const program = `
      import { sql } from 'kysely';
      import { openDatabase } from ${JSON.stringify(CONNECTION_MODULE)};
      const db = openDatabase({ kind: 'postgres', url: process.env.DB_URL });
      const pid = async () => (await sql\`select pg_backend_pid() as pid\`.execute(db)).rows[0].pid;
      console.log('before', await pid());
      process.stdin.once('data', async () => {
        console.log('after', await pid());
        await db.destroy();
      });
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', program],
      {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: { ...process.env, DB_URL: database.url },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    await waitFor(() => stdout.includes('before') || child.exitCode !== null, 'the first query');
    expect(await terminateOtherBackends(database.url)).toBe(1);
    await waitFor(() => stderr.includes('\n') || child.exitCode !== null, 'the report');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(child.exitCode).toBeNull();
    child.stdin.end('go\n');

    expect(await exited).toBe(0);
    const [before, after] = [/before (\d+)/, /after (\d+)/].map((re) => re.exec(stdout)?.[1]);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(stderr).toMatch(/^bulletin: lost a PostgreSQL connection \(.+\); .+\n$/);
    expect(stderr).not.toContain(database.url);
    expect(stderr).not.toContain(new URL(database.url).pathname.slice(1));
  });
});
