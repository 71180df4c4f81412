import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS, TEST_POSTGRES_URL } from '../support/test-database.js';
import { deleteQueueKeys, TEST_REDIS_URL, uniqueQueuePrefix } from '../support/test-redis.js';

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The database a command is pointed at, and what it says when that is nowhere. */
describe('a database that is not there', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-nodb-'));
    env = { LOG_LEVEL: 'warn', REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: uniqueQueuePrefix() };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a SQLite file DATABASE_URL names that does not exist, creating nothing', async () => {
    const file = path.join(dir, 'typo', 'bulletin.db');
    const result = await runCli(['topics', 'list'], {
      ...env,
      VAR_DIR: path.join(dir, 'var-typo'),
      DATABASE_URL: `sqlite:${file}`,
    });
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `bulletin: Bad setting DATABASE_URL: no SQLite database at ${file}: correct the path, or create it with \`bulletin db migrate\`\n`,
    });
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('says on a fresh machine that the default database is made by db migrate or start', async () => {
    const varDir = path.join(dir, 'fresh');
    const fresh = { ...env, VAR_DIR: varDir };
    // The first command of the README, before `npm start` has ever run.
    const first = await runCli(['topics', 'add', 'customs', '--name', 'C', '--query', 'x'], fresh);
    expect(first).toMatchObject({
      code: 1,
      stderr: `bulletin: no database yet at ${path.join(varDir, 'bulletin.db')}: run \`bulletin db migrate\` (or \`bulletin start\`) to create it, or set DATABASE_URL to an existing one\n`,
    });
    expect(fs.existsSync(varDir)).toBe(false);

    expect((await runCli(['db', 'migrate'], fresh)).code).toBe(0);
    expect(await runCli(['topics', 'list'], fresh)).toMatchObject({ code: 0, stdout: '(none)\n' });
  });

  it('names DATABASE_URL, password masked, when PostgreSQL does not answer', async () => {
    const port = await closedPort();
    const url = `postgres://bulletin:s3cret@127.0.0.1:${port}/bulletin`;
    const expected = `bulletin: DATABASE_URL: cannot reach postgres://bulletin:***@127.0.0.1:${port}/bulletin (connect ECONNREFUSED 127.0.0.1:${port})\n`;
    for (const args of [
      ['topics', 'list'],
      ['db', 'migrate'],
    ]) {
      const result = await runCli(args, { ...env, VAR_DIR: dir, DATABASE_URL: url });
      expect(result).toMatchObject({ code: 1, stderr: expected });
    }
  });

  it('calls a PostgreSQL database that does not exist a bad setting', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = '/bulletin_no_such_database';
    const result = await runCli(['subscribers', 'list'], {
      ...env,
      VAR_DIR: dir,
      DATABASE_URL: url.toString(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `bulletin: Bad setting DATABASE_URL: ${url.toString()}: the database does not exist (database "bulletin_no_such_database" does not exist)\n`,
    );
  });
});

/**
 * The README's switch to another database on the same Redis: the queues stay bound to the
 * first installation, and the answer is a QUEUE_PREFIX of the second's own, not a reset
 * (which would empty the second's database and free queues the first still uses).
 */
describe.each(DIALECTS)('a second installation on the same Redis (%s first)', (first) => {
  const second = first === 'sqlite' ? 'postgres' : 'sqlite';
  let one: TestApp;
  let two: TestApp;
  let prefix: string;

  beforeAll(async () => {
    one = await createTestApp(first);
    prefix = one.env.QUEUE_PREFIX as string;
    two = await createTestApp(second, { env: { QUEUE_PREFIX: prefix } });
  });
  afterEach(async () => deleteQueueKeys(`${prefix}-2`));
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('is told to pick a QUEUE_PREFIX of its own, and runs with one', async () => {
    // The first installation's queues, bound to its database by their first use.
    expect((await runCli(['queues', 'status'], one.env)).code).toBe(0);

    const refused = await runCli(['queues', 'status'], two.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^bulletin: Bad setting QUEUE_PREFIX: the queues "${prefix}" in Redis belong to another installation .*; give this one a prefix of its own, the same for all its commands and processes, e.g. QUEUE_PREFIX=${prefix}-2\\n$`,
      ),
    );
    expect(refused.stderr).not.toMatch(/reset/);

    const own = await runCli(['queues', 'status'], { ...two.env, QUEUE_PREFIX: `${prefix}-2` });
    expect(own.code).toBe(0);
    // The first installation is untouched.
    expect((await runCli(['queues', 'status'], one.env)).code).toBe(0);
  });
});
