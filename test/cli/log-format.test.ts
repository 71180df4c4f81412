import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStory } from '../support/flow-helpers.js';
import { runCli, stopBulletin } from '../support/run-cli.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/bulletin.js');

describe('LOG_FORMAT and the start banner', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { redis: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const publishOne = (id: string, env: Record<string, string>) =>
    runCli(
      ['stories', 'publish', '-'],
      { ...t.env, LOG_LEVEL: 'info', ...env },
      JSON.stringify(makeStory(id)),
    );

  it('logs one JSON object a line by default', async () => {
    const result = await publishOne('lf-1', {});
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { event?: string });
    expect(events.map((e) => e.event)).toContain('stories.published');
  });

  it('logs readable lines with LOG_FORMAT=pretty, the event first', async () => {
    const result = await publishOne('lf-2', { LOG_FORMAT: 'pretty' });
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.some((line) => line.startsWith('{'))).toBe(false);
    // Not a terminal here: no colour codes.
    expect(result.stderr).not.toContain('\u001b[');
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: stories\.published .*"created":1/),
    );
  });

  it('writes the start banner to stdout and keeps stderr to the JSON log', async () => {
    const child = spawn(process.execPath, [BIN, 'scheduler'], {
      env: { ...process.env, ...t.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      await waitFor(() => stdout.includes('Press Ctrl-C to stop.'), 40_000, 'the banner');
      expect(stdout).toMatch(/^Bulletin is running \(scheduler\)\.\n/);
      expect(stderr).not.toContain('Bulletin is running');
    } finally {
      expect(await stopBulletin(child)).toBe(0);
    }
    const logLines = stderr.trimEnd().split('\n');
    for (const line of logLines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(logLines.map((line) => JSON.parse(line).event)).toContain('process.stopped');
  }, 60_000);
});
