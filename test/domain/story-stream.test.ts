import { describe, expect, it } from 'vitest';
import type { StoryRecord } from '../../src/domain/story.js';
import { readStoryRecords } from '../../src/domain/story-stream.js';

const NOW = new Date('2026-11-28T12:00:00Z');

function story(id: string) {
  return {
    id,
    url: `https://news.example/${id}`,
    headline: `Headline ${id}`,
    publishedAt: '2026-11-28T09:00:00Z',
  };
}

async function* linesOf(text: string): AsyncGenerator<string> {
  for (const line of text.split('\n')) yield line.replace(/\r$/, '');
}

async function read(text: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const record of readStoryRecords(linesOf(text), { now: NOW }))
    out.push([record.position, summary(record)]);
  return out;
}

function summary(record: StoryRecord): string {
  return record.ok ? record.story.id : `error: ${record.error}`;
}

describe('readStoryRecords', () => {
  it('reads JSON Lines a line at a time, numbering lines from 1 and skipping blank ones', async () => {
    const text = ['', JSON.stringify(story('a')), '  ', JSON.stringify(story('b')), ''].join('\n');
    expect(await read(text)).toEqual([
      ['line 2', 'a'],
      ['line 4', 'b'],
    ]);
  });

  it('keeps every good line after a broken first line', async () => {
    const text = [
      '{"id": "x", "url": ',
      JSON.stringify(story('b')),
      JSON.stringify(story('c')),
    ].join('\n');
    const records = await read(text);
    expect(records.map(([position]) => position)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(records[0]?.[1]).toMatch(/^error: not valid JSON/);
  });

  it('reads a JSON array spread over lines, each item on its own', async () => {
    const text = JSON.stringify([story('a'), { ...story('b'), url: 'ftp://x' }], null, 2);
    const records = await read(text);
    expect(records[0]).toEqual(['item 1', 'a']);
    expect(records[1]?.[0]).toBe('item 2');
    expect(records[1]?.[1]).toMatch(/url: must be an absolute http\(s\) URL/);
  });

  it('reads one pretty-printed object as one story', async () => {
    expect(await read(JSON.stringify(story('a'), null, 2))).toEqual([['input', 'a']]);
  });

  it('reads a file with a byte order mark', async () => {
    expect(await read(`\ufeff${JSON.stringify(story('a'))}`)).toEqual([['line 1', 'a']]);
  });

  it('yields nothing for blank input', async () => {
    expect(await read('\n  \n')).toEqual([]);
  });

  it('hands on each record while later lines are still unread', async () => {
    const line = JSON.stringify(story('s'));
    let read = 0;
    async function* many() {
      for (let i = 0; i < 20_000; i++) {
        read++;
        yield line;
      }
    }
    let seenBeforeEnd = 0;
    for await (const record of readStoryRecords(many(), { now: NOW })) {
      if (record.ok && read < 20_000) seenBeforeEnd++;
    }
    // Records come out while lines are still being read: nothing waits for the end.
    expect(seenBeforeEnd).toBeGreaterThan(19_000);
  });
});
