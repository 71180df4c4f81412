import { describe, expect, it } from 'vitest';
import { checkRules, matchFiles } from '../../src/cli/rule-tools.js';

const rulesFile = [
  '{"id":"russia","query":"sanctions russia"}',
  '{"id":"chips","query":"china AND (semiconductor* OR chip)"}',
  '',
  '{"id":"tags","query":"tag:\\"export controls\\" NOT section:opinion"}',
].join('\n');

function story(id: string, headline: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    url: `https://news.example/${id}`,
    headline,
    publishedAt: '2026-11-28T09:00:00+01:00',
    ...extra,
  });
}

describe('checkRules', () => {
  it('explains a valid query', async () => {
    const result = checkRules({ query: 'sanctions russia' }, false);
    expect(result).toEqual({
      stdout: 'all of:\n  the word "sanctions" (stem "sanction")\n  the word "russia"\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('shows an invalid query with a caret and exits 2', async () => {
    const result = checkRules({ query: 'china AND' }, false);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('china AND\n      ^\ncolumn 7: AND needs a term after it\n');
  });

  it('writes one JSON line per rule of a file', async () => {
    const file = `${rulesFile}\n{"id":"bad","query":"headline: x"}\nnot json\n{"id":"russia","query":"oil"}\n`;
    const result = checkRules({ jsonl: file }, true);
    expect(result.exitCode).toBe(2);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.slice(0, 4)).toEqual([
      { id: 'russia', ok: true },
      { id: 'chips', ok: true },
      { id: 'tags', ok: true },
      {
        id: 'bad',
        ok: false,
        column: 1,
        message: '"headline:" must be followed directly by a term',
      },
    ]);
    expect(lines[4]).toMatchObject({ id: null, ok: false, line: 6 });
    expect(lines[4].message).toContain('not valid JSON');
    expect(lines[5]).toMatchObject({ id: 'russia', ok: false, line: 7 });
  });

  it('writes a readable line per rule without --json, exit 0 when all are valid', async () => {
    expect(checkRules({ jsonl: rulesFile }, false)).toEqual({
      stdout: 'russia: ok\nchips: ok\ntags: ok\n',
      stderr: '',
      exitCode: 0,
    });
  });
});

describe('matchFiles', () => {
  const stories = [
    story('s1', 'Treasury sanctions Russia', { tags: ['Export Controls'] }),
    story('s2', 'China curbs chip exports', { section: 'Opinion', tags: ['export controls'] }),
    story('s3', 'Weather'),
  ].join('\n');

  it('writes one line per story in input order, rule ids in file order', async () => {
    const result = await matchFiles(rulesFile, stories, false);
    expect(result).toEqual({
      stdout: [
        '{"story":"s1","rules":["russia","tags"]}',
        '{"story":"s2","rules":["chips"]}',
        '{"story":"s3","rules":[]}',
        '',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    });
  });

  it('gives the same lines when the rules are shared out over worker threads', async () => {
    const single = await matchFiles(rulesFile, stories, false, 1);
    const threaded = await matchFiles(rulesFile, stories, false, 2);
    expect(threaded).toEqual(single);
    expect(threaded.stdout).toContain('{"story":"s1","rules":["russia","tags"]}');
  });

  it('lists invalid rules in file order whichever thread parsed them', async () => {
    const rules = `{"id":"x","query":"a NEAR/0 b"}\n${rulesFile}\n{"id":"y","query":"NOT z"}`;
    const result = await matchFiles(rules, stories, false, 2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'rule x: column 3: NEAR/n needs n between 1 and 100\n' +
        'rule y: column 1: the query matches a story with none of its terms: it needs a part that must be present\n',
    );
  });

  it('with an invalid rule writes nothing and lists each invalid rule', async () => {
    const rules = `${rulesFile}\n{"id":"x","query":"a NEAR/0 b"}\n{"id":"y","query":"NOT z"}`;
    const result = await matchFiles(rules, stories, false);
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'rule x: column 3: NEAR/n needs n between 1 and 100\n' +
        'rule y: column 1: the query matches a story with none of its terms: it needs a part that must be present\n',
    );
  });

  it('reports a malformed story, matches the others and exits 2', async () => {
    const input = `${story('s1', 'Sanctions on Russia')}\n{"id":"s2"}\n${story('s3', 'chip china')}`;
    const result = await matchFiles(rulesFile, input, false);
    expect(result.stdout).toBe(
      '{"story":"s1","rules":["russia"]}\n{"story":"s3","rules":["chips"]}\n',
    );
    expect(result.stderr).toMatch(/^story at line 2: /);
    expect(result.exitCode).toBe(2);
  });

  it('prints statistics on stderr with --stats', async () => {
    const result = await matchFiles(rulesFile, stories, true);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/stories: 3 in [\d.]+ ms \(\d+ stories\/s, 1 thread\)/);
    expect(result.stderr).toContain('candidates per story: ');
    expect(result.stderr).toContain('matches per story: 1.00');
    expect(result.stderr).toMatch(/index build: 3 rules in [\d.]+ ms/);
    expect(result.stderr).toMatch(/heap used: [\d.]+ MB/);
  });
});
