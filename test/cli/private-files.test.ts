import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/run-cli.js';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '../support/test-redis.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/bulletin.js');

/** `bulletin …` under `umask 000`: what a mode given to mkdir or open alone would leave open. */
function runWithOpenUmask(args: string[], env: Record<string, string>, input?: string) {
  return new Promise<CliResult>((resolve) => {
    const child = execFile(
      '/bin/sh',
      ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, BIN, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
    child.stdin?.end(input ?? '');
  });
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/**
 * VAR_DIR holds the database, the key that signs personal links and the outbox, whose `.eml`
 * files carry readers' addresses and personal links: their owner alone may read them.
 */
describe('VAR_DIR and the outbox are readable by their owner only', { timeout: 120_000 }, () => {
  let root: string;
  let env: Record<string, string>;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-modes-'));
    env = {
      VAR_DIR: path.join(root, 'var'),
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniqueQueuePrefix(),
      MAIL_FROM: 'Brief <alerts@brief.example>',
      POSTAL_ADDRESS: '1 Test Street',
      PUBLIC_BASE_URL: 'https://brief.example',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('makes them 0700 and 0600 whatever the umask', async () => {
    const run = async (args: string[], input?: string) => {
      const result = await runWithOpenUmask(args, env, input);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    };
    await run(['db', 'migrate']);
    await run(['topics', 'add', 'customs', '--name', 'Customs', '--query', 'customs']);
    await run(['subscribers', 'add', 'ann@example.com', '--plan', 'subscriber']);
    await run([
      'subscriptions',
      'add',
      'ann@example.com',
      '--topic',
      'customs',
      '--cadence',
      'instant',
    ]);
    const publishedAt = new Date(Date.now() - 3_600_000).toISOString();
    await run(
      ['stories', 'publish', '-'],
      JSON.stringify({
        id: 'm-1',
        url: 'https://brief.example/m-1',
        headline: 'Customs rules change',
        publishedAt,
      }),
    );
    // Past the alert's two-minute window.
    await run(['digests', 'run', '--now', new Date(Date.now() + 600_000).toISOString()]);

    const varDir = env.VAR_DIR as string;
    const outbox = path.join(varDir, 'outbox');
    const messages = fs.readdirSync(outbox).filter((name) => name.endsWith('.eml'));
    expect(messages).toHaveLength(1);
    expect(modeOf(varDir)).toBe(0o700);
    expect(modeOf(outbox)).toBe(0o700);
    expect(modeOf(path.join(outbox, messages[0] as string))).toBe(0o600);
    expect(modeOf(path.join(varDir, 'secret.key'))).toBe(0o600);
    expect(modeOf(path.join(varDir, 'bulletin.db'))).toBe(0o600);
  });

  it('tightens what an older installation left open, at the next start', async () => {
    const varDir = env.VAR_DIR as string;
    const outbox = path.join(varDir, 'outbox');
    const message = path.join(outbox, fs.readdirSync(outbox)[0] as string);
    for (const dir of [varDir, outbox]) fs.chmodSync(dir, 0o755);
    for (const file of [message, path.join(varDir, 'secret.key'), path.join(varDir, 'bulletin.db')])
      fs.chmodSync(file, 0o644);
    const listed = await runCli(['topics', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(modeOf(varDir)).toBe(0o700);
    expect(modeOf(outbox)).toBe(0o700);
    expect(modeOf(message)).toBe(0o600);
    expect(modeOf(path.join(varDir, 'secret.key'))).toBe(0o600);
    expect(modeOf(path.join(varDir, 'bulletin.db'))).toBe(0o600);
  });
});
