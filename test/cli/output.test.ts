import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import {
  formatJson,
  formatListing,
  type ListingColumn,
  printLine,
  printListing,
} from '../../src/cli/output.js';

const ESC = '\u001b';
const BEL = '\u0007';

interface Reader {
  email: string;
  name: string | null;
  topics: string[];
  since: Date;
}

const COLUMNS: ListingColumn<Reader>[] = [
  { header: 'EMAIL', value: (r) => r.email },
  { header: 'NAME', value: (r) => r.name },
  { header: 'TOPICS', value: (r) => r.topics },
  { header: 'SINCE', value: (r) => r.since },
];

const SINCE = new Date('2026-11-28T09:00:00Z');

/** A reader whose name would clear the screen, retitle the terminal and overwrite the line. */
const HOSTILE: Reader = {
  email: 'eve@corp.example',
  name: `${ESC}[2J${ESC}]0;owned${BEL}Eve\rAdmin\n\u009b31m`,
  topics: [`customs${ESC}[8m`, 'bis'],
  since: SINCE,
};

/** C0 controls, DEL and C1 controls: none may reach a terminal raw. */
function controlsIn(text: string, allowed: string[] = []): string[] {
  return [...text].filter(
    (c) => (c <= '\u001f' || (c >= '\u007f' && c <= '\u009f')) && !allowed.includes(c),
  );
}

describe('formatListing', () => {
  it('aligns the columns under their headers', () => {
    const text = formatListing(
      [
        { email: 'ann@news.example', name: 'Ann', topics: ['bis', 'customs'], since: SINCE },
        { email: 'bo@corp.example', name: null, topics: [], since: SINCE },
      ],
      COLUMNS,
    );
    expect(text).toBe(
      [
        'EMAIL             NAME  TOPICS       SINCE',
        'ann@news.example  Ann   bis,customs  2026-11-28T09:00:00.000Z',
        'bo@corp.example   -                  2026-11-28T09:00:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to list', () => {
    expect(formatListing([], COLUMNS)).toBe('(none)\n');
  });

  it('shows control characters in cells as escapes, keeping one line per row', () => {
    const text = formatListing([HOSTILE], COLUMNS);
    expect(controlsIn(text, ['\n'])).toEqual([]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(
      '\\u001b[2J\\u001b]0;owned\\u0007Eve\\u000dAdmin\\u000a\\u009b31m  customs\\u001b[8m,bis',
    );
    // The escapes count in the width, so the columns still line up.
    expect(lines[0]?.indexOf('TOPICS')).toBe(lines[1]?.indexOf('customs'));
  });
});

describe('formatJson', () => {
  it('escapes DEL, the C1 controls and U+2028/U+2029, and stays the same JSON', () => {
    const rows = [{ headline: `a\u007fb\u0085c\u009b2Jd\u2028e\u2029f${ESC}[0m\ud800`, n: 1 }];
    const json = formatJson(rows);
    expect(controlsIn(json)).toEqual([]);
    expect(json).not.toMatch(/[\u2028\u2029]/);
    expect(json).toContain('a\\u007fb\\u0085c\\u009b2Jd\\u2028e\\u2029f\\u001b[0m\\ud800');
    expect(JSON.parse(json)).toEqual(rows);
  });

  it('is plain JSON.stringify for ordinary text', () => {
    const rows = [{ name: 'Zoë „Ann“ 中国 📰', tags: ['a"b', 'c\\d'] }];
    expect(formatJson(rows)).toBe(JSON.stringify(rows));
  });
});

describe('printListing and printLine', () => {
  let write: MockInstance<typeof process.stdout.write>;
  const written = () => write.mock.calls.map(([chunk]) => String(chunk)).join('');

  beforeEach(() => {
    write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => write.mockRestore());

  it('prints the table for people, and one terminal-safe JSON array with --json', () => {
    printListing([HOSTILE], false, COLUMNS);
    expect(written()).toBe(formatListing([HOSTILE], COLUMNS));
    write.mockClear();

    printListing([HOSTILE], true, COLUMNS);
    const json = written();
    expect(json.endsWith('\n')).toBe(true);
    expect(controlsIn(json, ['\n'])).toEqual([]);
    expect(JSON.parse(json)).toEqual([{ ...HOSTILE, since: SINCE.toISOString() }]);
  });

  it('keeps the lines and tabs of a message and shows every other control', () => {
    printLine(`Subject: ${ESC}]0;x${BEL}News\r\n\r\nOne\tline\nOverwritten\rtail\u0085`);
    expect(written()).toBe(
      'Subject: \\u001b]0;x\\u0007News\n\nOne\tline\nOverwritten\\u000dtail\\u0085\n',
    );
  });

  it('leaves printed JSON valid', () => {
    const value = { headline: `x\u0085y${ESC}` };
    printLine(JSON.stringify(value));
    expect(controlsIn(written(), ['\n'])).toEqual([]);
    expect(JSON.parse(written())).toEqual(value);
  });
});
