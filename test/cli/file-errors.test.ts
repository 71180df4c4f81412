import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * A file the command line names that cannot be read is one line in words, with Node's code
 * after them: never Node's raw `EISDIR: illegal operation on a directory, read` and its stack.
 */
describe('files the CLI cannot read', () => {
  let t: TestApp;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    env = { ...t.env, LOG_LEVEL: 'warn' };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-files-'));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Each command that reads a file argument, given the path `f` (match reads --rules first). */
  const commands: [string, (f: string) => string[]][] = [
    ['stories publish', (f) => ['stories', 'publish', f]],
    ['subscribers import', (f) => ['subscribers', 'import', f]],
    ['topics import', (f) => ['topics', 'import', f]],
    ['rules check --file', (f) => ['rules', 'check', '--file', f]],
    ['match --rules', (f) => ['match', '--rules', f, '--stories', path.join(f, 's.jsonl')]],
  ];

  it.concurrent.each(commands)('%s of a directory', async (_what, args) => {
    const result = await runCli(args(dir), env);
    expect(result).toMatchObject({
      code: 2,
      stderr: `bulletin: cannot read ${dir}: it is a directory (EISDIR)\n`,
    });
  });

  it.concurrent.each(commands)('%s of a file in a folder that is not there', async (_w, args) => {
    const missing = path.join(dir, 'no-such-folder');
    const result = await runCli(args(path.join(missing, 'x.jsonl')), env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^bulletin: cannot read .*: no such directory ${missing} \\(ENOENT\\)\\n$`),
    );
  });
});
