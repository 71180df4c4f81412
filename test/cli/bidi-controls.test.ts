import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripControlCharacters } from '../../src/domain/clean-text.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Every bidirectional control: embeddings, overrides, isolates and the three marks. */
const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];
const ANY_BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/** `Ann` then a right-to-left override: a terminal shows `Annevil.com`. */
const SPOOFED = 'Ann\u202emoc.live';

describe('bidirectional controls are removed at the door and shown as escapes', {
  timeout: 120_000,
}, () => {
  let t: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    env = { ...t.env, LOG_LEVEL: 'warn' };
  });
  afterAll(() => t.close());

  it('removes every one of them from a text and keeps the rest', () => {
    for (const control of BIDI)
      expect(stripControlCharacters(`a${control}b`), control.charCodeAt(0).toString(16)).toBe('ab');
    expect(stripControlCharacters('עברית \u05d0 العربية')).toBe('עברית \u05d0 العربية');
  });

  it("a reader's name, a topic's name and a story's headline, summary and tags lose them", async () => {
    expect(
      (await runCli(['subscribers', 'add', 'ann@example.com', '--name', SPOOFED], env)).code,
    ).toBe(0);
    const topic = await runCli(
      ['topics', 'add', 'spoof', '--name', `Sanctions\u2067 list\u2069`, '--query', 'sanctions'],
      env,
    );
    expect(topic.code, topic.stderr).toBe(0);
    const story = {
      id: 'bidi-1',
      url: 'https://news.example.com/bidi-1',
      headline: `Entity \u202elist\u202c grows`,
      summary: `Teaser \u200fwith marks\u200e and \u061c`,
      tags: ['export\u202d controls'],
      publishedAt: '2026-11-28T09:00:00Z',
    };
    const published = await runCli(['stories', 'publish', '-'], env, JSON.stringify(story));
    expect(published.code, published.stderr).toBe(0);

    const readers = JSON.parse((await runCli(['subscribers', 'list', '--json'], env)).stdout);
    expect(readers[0].name).toBe('Annmoc.live');
    const topics = JSON.parse((await runCli(['topics', 'list', '--json'], env)).stdout);
    expect(topics[0].name).toBe('Sanctions list');
    const stories = JSON.parse((await runCli(['stories', 'list', '--json'], env)).stdout);
    expect(stories[0].headline).toBe('Entity list grows');
    expect(stories[0].tags).toEqual(['export controls']);
    const stored = await t.app.db.selectFrom('stories').select('summary').executeTakeFirstOrThrow();
    expect(stored.summary).not.toMatch(ANY_BIDI);
  });

  it('one stored before the rule prints as \\u202e in tables, lines and JSON', async () => {
    await t.app.db
      .updateTable('subscribers')
      .set({ name: SPOOFED })
      .where('email', '=', 'ann@example.com')
      .execute();
    const table = await runCli(['subscribers', 'list'], env);
    expect(table.stdout).toContain('Ann\\u202emoc.live');
    const json = await runCli(['subscribers', 'list', '--json'], env);
    expect(json.stdout).toContain('Ann\\u202emoc.live');
    expect(JSON.parse(json.stdout)[0].name).toBe(SPOOFED);
    const shown = await runCli(['subscribers', 'show', 'ann@example.com'], env);
    for (const output of [table, json, shown]) expect(output.stdout).not.toMatch(ANY_BIDI);
    expect(shown.stdout).toContain('\\u202e');
  });
});
