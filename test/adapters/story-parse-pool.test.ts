import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoryParsePool, startStoryParsePool } from '../../src/adapters/story-parse-pool.js';
import type { StoryRecord } from '../../src/domain/story.js';
import { readStoryRecords } from '../../src/domain/story-stream.js';

const NOW = new Date('2026-11-28T12:00:00Z');

async function* linesOf(text: string): AsyncGenerator<string> {
  for (const line of text.split('\n')) yield line;
}

async function collect(records: AsyncIterable<StoryRecord>): Promise<StoryRecord[]> {
  const all: StoryRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/** JSON Lines with good stories, HTML to clean, bad records and blank lines among them. */
function storiesText(count: number): string {
  const lines = ['\ufeff'];
  for (let i = 0; i < count; i++) {
    if (i % 97 === 5) lines.push('{"id": "broken"');
    else if (i % 89 === 7) lines.push('');
    else if (i % 83 === 11) lines.push(JSON.stringify({ id: `bad-${i}`, url: 'javascript:x' }));
    else
      lines.push(
        JSON.stringify({
          id: `s-${i}`,
          url: `https://news.example.com/${i}`,
          headline: `Story <em>${i}</em> &amp; more`,
          summary: 'A   summary\twith  spaces',
          body: `<p>Paragraph one of ${i}.</p><script>x()</script><p>Two</p>`,
          tags: ['sanctions'],
          publishedAt: '2026-11-28T09:00:00+01:00',
        }),
      );
  }
  return lines.join('\n').replace('\ufeff\n', '\ufeff');
}

describe('the story parse pool', () => {
  let pool: StoryParsePool;
  beforeAll(() => {
    pool = startStoryParsePool({ now: NOW, threads: 2 });
  });
  afterAll(async () => pool.close());

  it('gives the records the calling thread gives, in the same order, with the same lines', async () => {
    const text = storiesText(1500);
    const here = await collect(readStoryRecords(linesOf(text), { now: NOW }));
    const pooled = await collect(readStoryRecords(linesOf(text), { now: NOW }, pool.parse));
    expect(pooled).toEqual(here);
    expect(pooled.length).toBeGreaterThan(1400);
    expect(pooled.filter((r) => !r.ok).length).toBeGreaterThan(20);
    expect(pooled[0]).toMatchObject({ ok: true, story: { headline: 'Story 0 & more' } });
  }, 30_000);

  it('still reads a JSON array document whole', async () => {
    const text = `[\n${JSON.stringify({ id: 'a', url: 'https://x.example/a', headline: 'A', summary: '', publishedAt: '2026-11-28T09:00:00Z' })}\n]`;
    const pooled = await collect(readStoryRecords(linesOf(text), { now: NOW }, pool.parse));
    expect(pooled).toMatchObject([{ ok: true, position: 'item 1', story: { id: 'a' } }]);
  });

  it('refuses work once closed, saying so', async () => {
    const closed = startStoryParsePool({ now: NOW, threads: 1 });
    await closed.close();
    await expect(closed.parse([[1, '{}']])).rejects.toThrow(/closed/);
  });
});
