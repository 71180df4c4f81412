import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, QUEUE } from '../../jobs/queue-names.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';
import { TEST_REDIS_URL } from '../support/test-redis.js';

function story(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    url: `https://brief.example/${id}`,
    headline: `Customs story ${id}`,
    summary: 'A teaser.',
    publishedAt: '2026-11-28T08:00:00Z',
    ...overrides,
  };
}

const jsonLines = (records: unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe.each(DIALECTS)('bulletin stories publish (%s)', (dialect) => {
  let t: TestApp;
  let dir: string;
  let ingest: Queue;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-publish-'));
    ingest = new Queue(QUEUE.ingest, {
      connection: { url: TEST_REDIS_URL },
      prefix: bullPrefix(t.settings.queuePrefix),
    });
  });
  afterAll(async () => {
    await ingest.close();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const publish = (name: string, text: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return runCli(['stories', 'publish', file], t.env);
  };
  const stored = async () =>
    t.app.db
      .selectFrom('stories')
      .select(['external_id', 'headline', 'revision'])
      .orderBy('external_id')
      .execute();
  const matchJobs = async () =>
    (await ingest.getJobs(['waiting', 'delayed', 'active'])).map((job) => job.id).sort();
  /** The stories handed on for matching: a match job carries a run of them. */
  const storiesToMatch = async () =>
    (await ingest.getJobs(['waiting', 'delayed', 'active'])).flatMap(
      (job) => (job.data as { stories?: unknown[] }).stories ?? [job.data],
    );

  it('stores the good records of a mixed batch, names each bad one, and exits 2', async () => {
    const text = [
      JSON.stringify(story('m1')),
      JSON.stringify({
        id: '',
        url: 'javascript:alert(1)',
        headline: 'x'.repeat(301),
        publishedAt: 'soon',
      }),
      '{not json',
      JSON.stringify(story('m2', { tags: ['ok', 't'.repeat(101)] })),
      JSON.stringify(story('m3')),
    ].join('\n');
    const result = await publish('mixed.jsonl', text);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      'published 2 new, 0 updated, 0 re-alerted, 0 unchanged, 3 rejected',
    );
    expect(result.stderr).toContain(
      'line 2: id: must not be empty; url: must be an absolute http(s) URL; headline: is longer than 300 characters; publishedAt: must be an ISO 8601',
    );
    expect(result.stderr).toMatch(/line 3: not valid JSON/);
    expect(result.stderr).toMatch(/line 4: tags\.1: is longer than 100 characters/);
    expect(result.stderr).toMatch(/3 record\(s\) rejected; the other 2 stored/);
    expect((await stored()).map((s) => s.external_id)).toEqual(['m1', 'm3']);
    expect((await storiesToMatch()).length).toBe(2);
  });

  it('says no story was stored when every record is bad', async () => {
    const result = await publish('bad.jsonl', jsonLines([{ id: 'b1' }, { id: 'b2' }]));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/2 record\(s\) rejected; no story was stored/);
    expect(result.stderr).not.toMatch(/the other/);
  });

  it('keeps the last of an id given twice, and says so', async () => {
    const result = await publish(
      'dupes.jsonl',
      jsonLines([
        story('d1', { headline: 'First' }),
        story('d2'),
        story('d1', { headline: 'Second' }),
      ]),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('published 2 new');
    expect(result.stdout).toContain('1 duplicate');
    expect(result.stderr).toMatch(
      /line 3: story d1 was given before \(line 1\); the later one is kept/,
    );
    expect((await stored()).find((s) => s.external_id === 'd1')?.headline).toBe('Second');
  });

  it('republishes: the same text is unchanged, a change updates without matching again, realert matches again', async () => {
    await publish('r0.jsonl', jsonLines([story('r1')]));
    // As if a worker had matched the first revision.
    await t.app.db
      .updateTable('stories')
      .set({ matched_revision: 0 })
      .where('external_id', '=', 'r1')
      .execute();
    await ingest.obliterate({ force: true });
    const same = await publish('r1.jsonl', jsonLines([story('r1')]));
    expect(same.stdout).toContain('0 updated, 0 re-alerted, 1 unchanged');

    const changed = await publish('r2.jsonl', jsonLines([story('r1', { headline: 'Corrected' })]));
    expect(changed.stdout).toContain('1 updated, 0 re-alerted');
    expect(await matchJobs()).toEqual([]);
    let row = (await stored()).find((s) => s.external_id === 'r1');
    expect(row).toMatchObject({ headline: 'Corrected', revision: 0 });

    const realert = await publish(
      'r3.jsonl',
      jsonLines([story('r1', { headline: 'Corrected again', realert: true })]),
    );
    expect(realert.stdout).toContain('0 updated, 1 re-alerted');
    row = (await stored()).find((s) => s.external_id === 'r1');
    expect(row).toMatchObject({ headline: 'Corrected again', revision: 1 });
    const jobs = await matchJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatch(/\.1$/);
  }, 120_000);

  it('reads a JSON array from standard input', async () => {
    const result = await runCli(
      ['stories', 'publish', '-'],
      t.env,
      JSON.stringify([story('s1'), story('s2', { url: '/relative' })], null, 2),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('published 1 new');
    expect(result.stderr).toMatch(/-: item 2: url: must be an absolute http\(s\) URL/);
  });

  it('replaces bytes that are not UTF-8 and stores HTML as text', async () => {
    const line = Buffer.concat([
      Buffer.from('{"id":"u1","url":"https://brief.example/u1","headline":"Tariffs <b>rise</b> '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","publishedAt":"2026-11-28T08:00:00Z"}\n'),
    ]);
    const result = await publish('utf8.jsonl', line);
    expect(result.code).toBe(0);
    expect((await stored()).find((s) => s.external_id === 'u1')?.headline).toBe(
      'Tariffs rise \ufffd\ufffd',
    );
  });

  it('never writes a control character of the input to the terminal', async () => {
    const result = await publish(
      'escape.jsonl',
      `{"id": \u001b[2J\u001b]0;owned\u0007}\n${JSON.stringify(story('e1'))}\n`,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 1: not valid JSON/);
    expect(result.stderr).not.toContain('\u001b');
    expect(result.stderr).not.toContain('\u0007');
  });
});
