import { describe, expect, it } from 'vitest';
import { parseStoriesText, parseStory, type StoryRecord } from '../../src/domain/story.js';

const minimal = {
  id: 'tcb-1041',
  url: 'https://news.example/2026/11/entity-list-additions',
  headline: 'Commerce adds 27 entities to the Entity List',
  publishedAt: '2026-11-28T09:15:00+01:00',
};

const full = {
  ...minimal,
  summary: 'The additions target procurement networks.',
  body: 'Full text of the story.',
  section: 'Export controls',
  tags: ['BIS', 'Entity List'],
  access: 'free',
  realert: true,
};

function story(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...minimal, ...overrides };
}

/** The error for a story, or a failure when it parses. */
function errorOf(value: unknown): string {
  const result = parseStory(value);
  if (result.ok) throw new Error(`expected an error for ${JSON.stringify(value)}`);
  return result.error;
}

function line(value: unknown): string {
  return JSON.stringify(value);
}

function summarize(records: StoryRecord[]) {
  return records.map((r) => (r.ok ? [r.position, r.story.id] : [r.position, 'error']));
}

describe('parseStory', () => {
  it('fills the defaults of optional fields', () => {
    expect(parseStory(minimal)).toEqual({
      ok: true,
      story: {
        ...minimal,
        summary: '',
        body: '',
        section: null,
        tags: [],
        access: 'subscriber',
        realert: false,
      },
    });
  });

  it('keeps every field given', () => {
    expect(parseStory(full)).toEqual({ ok: true, story: full });
  });

  it('turns a numeric id into a string', () => {
    const result = parseStory(story({ id: 1041 }));
    expect(result.ok && result.story.id).toBe('1041');
  });

  it('trims the id, the headline, the section and the tags; a blank section is none', () => {
    const result = parseStory(
      story({ id: '  tcb-1 ', headline: '  Headline  ', section: '   ', tags: [' BIS '] }),
    );
    expect(result.ok && result.story).toMatchObject({
      id: 'tcb-1',
      headline: 'Headline',
      section: null,
      tags: ['BIS'],
    });
    const nullSection = parseStory(story({ section: null }));
    expect(nullSection.ok && nullSection.story.section).toBeNull();
  });

  it('stores a headline with \\r\\n and terminal escapes as clean text on one line', () => {
    const result = parseStory(
      story({ headline: '\u001b[1;31mBREAKING\u001b[0m\r\nCommerce adds 27 entities\r\n' }),
    );
    expect(result.ok && result.story.headline).toBe('BREAKING Commerce adds 27 entities');
  });

  it('removes control characters from every text field, keeping the lines of the body only', () => {
    const result = parseStory(
      story({
        headline: 'Tariffs\u0000 rise\u0007\u009b2J',
        summary: 'Line one\r\nline two\u001b]0;pwned\u0007 \ud800',
        body: 'Para one.\r\n\r\nPara\ttwo\u007f.\u0085End',
        section: '\u001b[7mTrade\u001b[0m',
        tags: ['BIS\r\n', '\u0085Entity\u0000 List'],
      }),
    );
    expect(result.ok && result.story).toMatchObject({
      headline: 'Tariffs rise',
      summary: 'Line one line two \ufffd',
      body: 'Para one.\n\nPara two.\nEnd',
      section: 'Trade',
      tags: ['BIS', 'Entity List'],
    });
  });

  it('counts a headline or tag of nothing but controls as empty, a section as none', () => {
    expect(errorOf(story({ headline: '\r\n\u001b[0m\u0000' }))).toMatch(
      /^headline: must not be empty/,
    );
    expect(errorOf(story({ tags: ['\u0007'] }))).toMatch(/^tags\.0: /);
    const result = parseStory(story({ section: '\r\n' }));
    expect(result.ok && result.story.section).toBeNull();
  });

  it('accepts publishedAt in UTC and with fractional seconds', () => {
    expect(parseStory(story({ publishedAt: '2026-11-28T08:15:00Z' })).ok).toBe(true);
    expect(parseStory(story({ publishedAt: '2026-11-28T03:15:00.250-05:00' })).ok).toBe(true);
  });

  it.each([
    ['a missing headline', { headline: undefined }, /^headline: /],
    ['a blank headline', { headline: '   ' }, /^headline: must not be empty/],
    ['a missing id', { id: undefined }, /^id: /],
    ['an empty id', { id: '' }, /^id: /],
    ['a fractional numeric id', { id: 10.5 }, /^id: /],
    [
      'a javascript: url',
      { url: 'javascript:alert(1)' },
      /^url: must be an absolute http\(s\) URL/,
    ],
    ['an ftp url', { url: 'ftp://news.example/a' }, /^url: /],
    ['a relative url', { url: '/2026/11/story' }, /^url: /],
    ['a missing url', { url: undefined }, /^url: /],
    [
      'publishedAt without offset',
      { publishedAt: '2026-11-28T09:15:00' },
      /^publishedAt: .*offset/,
    ],
    ['publishedAt as a date only', { publishedAt: '2026-11-28' }, /^publishedAt: /],
    ['publishedAt not a date', { publishedAt: 'yesterday' }, /^publishedAt: /],
    ['publishedAt impossible', { publishedAt: '2026-02-30T09:00:00Z' }, /^publishedAt: /],
    ['an invalid access', { access: 'premium' }, /^access: .*subscriber.*free/],
    ['realert not a boolean', { realert: 'yes' }, /^realert: /],
    ['tags not a list', { tags: 'BIS' }, /^tags: /],
    ['an empty tag', { tags: ['BIS', ' '] }, /^tags\.1: /],
  ])('refuses %s, naming the field', (_what, overrides, message) => {
    expect(errorOf(story(overrides))).toMatch(message);
  });

  it('refuses what is not an object', () => {
    expect(errorOf(null)).toMatch(/^story: /);
    expect(errorOf(42)).toMatch(/^story: /);
    expect(errorOf([minimal])).toMatch(/^story: /);
  });
});

describe('parseStoriesText', () => {
  it('reads a single JSON object', () => {
    expect(parseStoriesText(line(minimal))).toEqual([
      { position: 'input', ok: true, story: expect.objectContaining({ id: 'tcb-1041' }) },
    ]);
  });

  it('reads a pretty-printed object spanning lines', () => {
    const records = parseStoriesText(`${JSON.stringify(full, null, 2)}\n`);
    expect(records).toEqual([{ position: 'input', ok: true, story: full }]);
  });

  it('reads an array, each item on its own', () => {
    const text = JSON.stringify(
      [story({ id: 'a' }), story({ id: 'b', url: 'javascript:void(0)' }), story({ id: 'c' })],
      null,
      2,
    );
    const records = parseStoriesText(text);
    expect(summarize(records)).toEqual([
      ['item 1', 'a'],
      ['item 2', 'error'],
      ['item 3', 'c'],
    ]);
    expect(records[1]).toMatchObject({ ok: false, error: expect.stringMatching(/^url: /) });
  });

  it('reports an array that is not valid JSON as one error', () => {
    expect(parseStoriesText('[{"id": "a",]')).toEqual([
      {
        position: 'input',
        ok: false,
        error: expect.stringMatching(/^not valid JSON: /),
        errors: [{ field: null, message: expect.stringMatching(/^not valid JSON: /) }],
      },
    ]);
  });

  it('reads JSON Lines, skipping blank lines and counting lines from 1', () => {
    const text = [
      line(story({ id: 'a' })),
      '',
      line(story({ id: 'b' })),
      '   ',
      line(story({ id: 'c' })),
      '',
    ].join('\n');
    expect(summarize(parseStoriesText(text))).toEqual([
      ['line 1', 'a'],
      ['line 3', 'b'],
      ['line 5', 'c'],
    ]);
  });

  it('reads JSON Lines with CRLF line ends', () => {
    const text = `${line(story({ id: 'a' }))}\r\n${line(story({ id: 'b' }))}\r\n`;
    expect(summarize(parseStoriesText(text))).toEqual([
      ['line 1', 'a'],
      ['line 2', 'b'],
    ]);
  });

  it('keeps the good lines around a line that is not JSON, and says where it is', () => {
    const text = [
      line(story({ id: 'a' })),
      '{"id": "b", "url": ',
      line(story({ id: 'c' })),
      line(story({ id: 'd', headline: '' })),
    ].join('\n');
    const records = parseStoriesText(text);
    expect(summarize(records)).toEqual([
      ['line 1', 'a'],
      ['line 2', 'error'],
      ['line 3', 'c'],
      ['line 4', 'error'],
    ]);
    expect(records[1]).toMatchObject({ error: expect.stringMatching(/^not valid JSON: /) });
    expect(records[3]).toMatchObject({ error: expect.stringMatching(/^headline: /) });
  });

  it('returns nothing for empty input', () => {
    expect(parseStoriesText('')).toEqual([]);
    expect(parseStoriesText(' \n\n ')).toEqual([]);
  });
});
