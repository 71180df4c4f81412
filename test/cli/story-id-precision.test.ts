import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStories } from '../../db/repositories/story.repository.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { buildTestHttpApp } from '../support/test-http.js';

const API_TOKEN = 'test-api-token-0123456789';

/** Written as numbers, as a publisher's exporter may: the text, not a parsed value. */
function storyLine(id: string, name: string): string {
  return `{"id":${id},"url":"https://brief.example/${name}","headline":"Story ${name}","publishedAt":"2026-11-28T08:00:00Z"}`;
}

/**
 * `12345678901234567890` and `12345678901234567891` both parse as 12345678901234567000: stored
 * as it was, the second overwrote the first. Ids JSON cannot hold exactly are refused instead.
 */
describe('numeric story ids beyond 2^53', { timeout: 120_000 }, () => {
  let t: TestApp;
  let http: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { env: { API_TOKEN } });
    http = await buildTestHttpApp(t.app);
  });
  afterAll(async () => {
    await http.close();
    await t.close();
  });

  const storedIds = async () => (await listStories(t.app.db)).map((s) => s.externalId).sort();

  it('stories publish refuses them by line, naming the id, and keeps the good ones (exit 2)', async () => {
    const input = [
      storyLine('12345678901234567890', 'big-1'),
      storyLine('9007199254740991', 'safe'),
      storyLine('12345678901234567891', 'big-2'),
      storyLine('"12345678901234567890"', 'as-text'),
    ].join('\n');
    const result = await runCli(
      ['stories', 'publish', '-'],
      { ...t.env, LOG_LEVEL: 'warn' },
      input,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'line 1: id: is a number larger than 9007199254740991, which JSON cannot hold exactly: give the id as a string',
    );
    expect(result.stderr).toContain('line 3: id:');
    expect(await storedIds()).toEqual(['12345678901234567890', '9007199254740991']);
  });

  it('POST /api/stories answers 400 naming the item, and stores the good one', async () => {
    const res = await http.inject({
      method: 'POST',
      url: '/api/stories',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      payload: `[${storyLine('98765432109876543210', 'api-big')},${storyLine('42', 'api-ok')}]`,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.accepted).toEqual(['42']);
    expect(body.rejected).toEqual([
      expect.objectContaining({
        position: 'item 1',
        error: expect.stringContaining('id: is a number larger than 9007199254740991'),
      }),
    ]);
    expect(await storedIds()).not.toContain('98765432109876543000');
  });
});
