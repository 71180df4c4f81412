import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';
import { TEST_REDIS_URL } from '../support/test-redis.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Topics in bulk, the queues, a reset and the demo, run as the admin runs them. */
describe.each(DIALECTS)('the admin commands (%s)', { timeout: 180_000 }, (dialect) => {
  let t: TestApp;
  let env: Record<string, string>;
  let dir: string;
  const file = (name: string, text: string) => {
    const where = path.join(dir, name);
    fs.writeFileSync(where, text);
    return where;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, { redis: true });
    env = { ...t.env, LOG_LEVEL: 'warn' };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-admin-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports topics, checking each query as rules check does, and exports what it reads', async () => {
    const topics = file(
      'topics.jsonl',
      [
        '{"slug":"customs","name":"Customs","query":"customs OR tariff*"}',
        '{"slug":"Bad Slug","name":"X","query":"x"}',
        '{"slug":"broken","name":"Broken","query":"china AND"}',
        'not json',
        '{"slug":"sanctions","name":"Sanctions","query":"sanction* AND (russia OR iran)"}',
      ].join('\n'),
    );
    // JSON Lines on PostgreSQL once waited for ever, ending silently with status 13.
    const dry = await runCli(['topics', 'import', topics, '--dry-run'], env);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toMatch(
      /^dry run, nothing written: .*topics\.jsonl: 5 records: 2 added, 0 updated, 0 unchanged, 3 rejected$/m,
    );
    expect((await runCli(['topics', 'export'], env)).stdout).toBe('');
    const first = await runCli(['topics', 'import', topics], env);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('line 2: slug: use lower-case letters');
    expect(first.stderr).toMatch(
      /line 3: query: AND needs a term after it at column 7\nchina AND\n\s+\^/,
    );
    expect(first.stderr).toContain('line 4: not JSON');
    expect(first.stdout).toMatch(/5 records: 2 added, 0 updated, 0 unchanged, 3 rejected/);

    const changed = file(
      'changed.csv',
      'slug,name,query\r\ncustoms,"Customs, tariffs",customs OR tariff*\r\n',
    );
    const skipped = await runCli(['topics', 'import', changed], env);
    expect(skipped.stdout).toMatch(/1 already there, left as they are/);
    const dryUpdate = await runCli(['topics', 'import', changed, '--update', '--dry-run'], env);
    expect(dryUpdate.code).toBe(0);
    expect(dryUpdate.stdout).toMatch(/^dry run, nothing written: .*: 1 record: 0 added, 1 updated/);
    expect((await runCli(['topics', 'show', 'customs', '--json'], env)).stdout).toContain(
      '"name":"Customs"',
    );
    const updated = await runCli(['topics', 'import', changed, '--update', '--json'], env);
    expect(JSON.parse(updated.stdout)).toMatchObject({ updated: 1, rejected: 0 });

    const exported = await runCli(['topics', 'export'], env);
    expect(
      exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { slug: 'customs', name: 'Customs, tariffs', query: 'customs OR tariff*' },
      { slug: 'sanctions', name: 'Sanctions', query: 'sanction* AND (russia OR iran)' },
    ]);
    const asCsv = await runCli(['topics', 'export', '--csv'], env);
    expect(asCsv.stdout).toBe(
      'slug,name,query\ncustoms,"Customs, tariffs",customs OR tariff*\nsanctions,Sanctions,sanction* AND (russia OR iran)\n',
    );
    // What each export writes, the import reads back as it is: nothing to change.
    for (const [name, text] of [
      ['again.jsonl', exported.stdout],
      ['again.csv', asCsv.stdout],
    ] as const) {
      const again = await runCli(['topics', 'import', file(name, text), '--update'], env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/2 records: 0 added, 0 updated, 2 unchanged, 0 rejected$/m);
    }
  });

  it('asks for --force before removing a followed topic, and says how many readers it affects', async () => {
    expect((await runCli(['subscribers', 'add', 'ann@corp.example'], env)).code).toBe(0);
    expect(
      (await runCli(['subscriptions', 'add', 'ann@corp.example', '--topic', 'sanctions'], env))
        .code,
    ).toBe(0);
    const shown = await runCli(['topics', 'show', 'sanctions', '--json'], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({ followers: 1, matchesLast30Days: 0 });
    const refused = await runCli(['topics', 'remove', 'sanctions'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('"sanctions" is followed by 1 reader');
    expect(refused.stderr).toContain('give --force');
    const forced = await runCli(['topics', 'remove', 'sanctions', '--force'], env);
    expect(forced.stdout).toMatch(/removed topic sanctions: 1 reader no longer follow/);
  });

  it('refuses a trial for an address that is not a reader, as every command naming a reader does', async () => {
    const result = await runCli(['trials', 'start', 'nobody@corp.example'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no reader nobody@corp.example (add one with subscribers add)');
  });

  it('shows the queues, and retries and cleans only queues that exist', async () => {
    const status = await runCli(['queues', 'status', '--json'], env);
    expect(status.code).toBe(0);
    const queues = JSON.parse(status.stdout);
    expect(queues.map((q: { queue: string }) => q.queue).sort()).toEqual([
      'campaign',
      'digest',
      'feeds',
      'ingest',
      'schedule',
      'send',
    ]);
    expect(queues[0]).toMatchObject({ waiting: 0, failed: 0, completed: 0, oldestWaitingMs: null });
    const unknown = await runCli(['queues', 'retry', 'mail', '--all'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'no queue "mail": the queues are ingest, digest, send, schedule',
    );
    const noJob = await runCli(['queues', 'retry', 'send', 'send.999'], env);
    expect(noJob.code).toBe(2);
    expect((await runCli(['queues', 'retry', 'send', '--all'], env)).stdout).toBe(
      'send: 0 failed jobs moved back to waiting\n',
    );
    expect(
      (await runCli(['queues', 'clean', 'send', '--failed', '--older', '7d'], env)).stdout,
    ).toBe('send: 0 failed jobs removed\n');
  });

  it('says what db reset removes, removes it only with --yes, and frees the queues', async () => {
    const asked = await runCli(['db', 'reset'], env);
    expect(asked.code).toBe(2);
    expect(asked.stdout).toMatch(
      /would remove from .*: 1 reader, 0 subscriptions, 1 topic, 0 stories/,
    );
    expect(asked.stdout).toMatch(/would remove from Redis: \d+ keys? of the queues/);
    expect(asked.stderr).toContain('nothing removed: give --yes');
    expect((await runCli(['subscribers', 'list', '--json'], env)).stdout).toContain(
      'ann@corp.example',
    );

    const redis = new Redis(TEST_REDIS_URL);
    try {
      const key = `{${env.QUEUE_PREFIX}}:installation`;
      const before = await redis.get(key);
      expect(before).not.toBeNull();
      const done = await runCli(['db', 'reset', '--yes'], env);
      expect(done.code).toBe(0);
      expect(done.stdout).toMatch(/^removed from .*: 1 reader/);
      expect(await redis.get(key)).toBeNull();
      expect(JSON.parse((await runCli(['subscribers', 'list', '--json'], env)).stdout)).toEqual([]);
      // The queues bind to the fresh database on first use.
      expect((await runCli(['queues', 'status'], env)).code).toBe(0);
      expect(await redis.get(key)).not.toBe(before);
    } finally {
      redis.disconnect();
    }
  });

  it('runs the demo in a directory of its own, leaving ./var as it was', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-demo-'));
    try {
      fs.mkdirSync(path.join(work, 'var'));
      fs.writeFileSync(path.join(work, 'var', 'bulletin.db'), 'the user’s own database');
      const { VAR_DIR: _v, DATABASE_URL: _d, QUEUE_PREFIX: _q, ...rest } = env;
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [
            path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'),
            '--tsconfig',
            path.join(ROOT, 'tsconfig.json'),
            path.join(ROOT, 'scripts/demo.ts'),
          ],
          {
            cwd: work,
            env: { ...process.env, ...rest, DATABASE_URL: t.env.DATABASE_URL },
            timeout: 120_000,
          },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      expect(fs.readFileSync(path.join(work, 'var', 'bulletin.db'), 'utf8')).toBe(
        'the user’s own database',
      );
      expect(fs.readdirSync(path.join(work, 'var')).sort()).toEqual(['bulletin.db', 'demo']);
      expect(output).toMatch(/digest weekly\s+priya@licensed-law.example\s+sent/);
      expect(output).toMatch(/priya@licensed-law.example\s+free\s+full stories \(site-license\)/);
      // DATABASE_URL pointed at this test's database: the demo did not write to it.
      expect(JSON.parse((await runCli(['subscribers', 'list', '--json'], env)).stdout)).toEqual([]);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
