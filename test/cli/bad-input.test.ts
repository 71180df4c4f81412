import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Every command of the contract refuses bad input with exit 2 and says what and where. */
describe('bad input to the CLI', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    env = { ...t.env, LOG_LEVEL: 'warn' };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-cli-'));
    const ok = await runCli(
      ['topics', 'add', 'customs', '--name', 'Customs', '--query', 'customs'],
      env,
    );
    expect(ok.code).toBe(0);
    expect((await runCli(['subscribers', 'add', 'hal@corp.example'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string[], RegExp][] = [
    [
      'an invalid query, with its column',
      ['topics', 'add', 'x', '--name', 'X', '--query', 'china AND'],
      /column 7[\s\S]*china AND\n\s+\^/,
    ],
    [
      'a bad slug',
      ['topics', 'add', 'Bad Slug', '--name', 'X', '--query', 'x'],
      /SLUG: use lower-case/,
    ],
    [
      'a duplicate topic',
      ['topics', 'add', 'customs', '--name', 'C', '--query', 'x'],
      /already exists/,
    ],
    ['a bad address', ['subscribers', 'add', 'not-an-address'], /EMAIL: not an email address/],
    [
      'an unknown time zone',
      ['subscribers', 'add', 'ivy@corp.example', '--tz', 'Mars/Olympus'],
      /--tz: not an IANA time zone/,
    ],
    ['an unknown plan', ['subscribers', 'add', 'ivy@corp.example', '--plan', 'gold'], /--plan/],
    [
      'a trial without an end',
      ['subscribers', 'add', 'ivy@corp.example', '--plan', 'trial'],
      /--trial-ends/,
    ],
    [
      'an unknown topic',
      ['subscriptions', 'add', 'hal@corp.example', '--topic', 'nope'],
      /--topic: no topic "nope"/,
    ],
    [
      'an unknown reader',
      ['subscriptions', 'add', 'who@corp.example', '--topic', 'customs'],
      /no reader who@corp.example/,
    ],
    [
      'a bad cadence',
      ['subscriptions', 'add', 'hal@corp.example', '--topic', 'customs', '--cadence', 'hourly'],
      /--cadence/,
    ],
    [
      'a bad send time',
      ['subscriptions', 'add', 'hal@corp.example', '--topic', 'customs', '--at', '25:00'],
      /--at: must be HH:MM/,
    ],
    [
      'both topic and query',
      ['subscriptions', 'add', 'hal@corp.example', '--topic', 'customs', '--query', 'x'],
      /either --topic SLUG or --query Q/,
    ],
    ['a bad --now', ['digests', 'run', '--now', 'tomorrow'], /--now: must be ISO 8601/],
    ['a bad --since', ['deliveries', 'list', '--since', 'lately'], /--since: not a duration/],
    ['an unknown option', ['topics', 'list', '--colour'], /^bulletin: unknown option --colour\n/],
    [
      'a missing file',
      ['stories', 'publish', '/nonexistent/stories.json'],
      /^bulletin: cannot read \/nonexistent\/stories.json: no such directory \/nonexistent \(ENOENT\)\n$/,
    ],
  ];

  it.concurrent.each(cases)('refuses %s', async (_what, args, message) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('publishes the good stories of a file and names the bad lines', async () => {
    const file = path.join(dir, 'stories.jsonl');
    const good = {
      id: 'g1',
      url: 'https://brief.example/g1',
      headline: 'Customs union talks',
      summary: 's',
      publishedAt: '2026-11-28T08:00:00Z',
    };
    fs.writeFileSync(
      file,
      `${JSON.stringify(good)}\n{"id":"b1","url":"https://brief.example/b1","publishedAt":"2026-11-28T08:00:00Z"}\n{oops\n`,
    );
    const result = await runCli(['stories', 'publish', file], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('published 1 new');
    expect(result.stderr).toMatch(/line 2: headline/);
    expect(result.stderr).toMatch(/line 3: not valid JSON/);
    const listed = JSON.parse((await runCli(['stories', 'list', '--json'], env)).stdout);
    expect(listed.map((s: { id: string }) => s.id)).toEqual(['g1']);
  });

  it('stops at start on a bad setting, naming it', async () => {
    const result = await runCli(['topics', 'list'], { ...env, SEND_RATE: 'fast' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^bulletin: Bad setting SEND_RATE: /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
