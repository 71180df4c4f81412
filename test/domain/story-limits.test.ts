import { describe, expect, it } from 'vitest';
import { parseStory, STORY_LIMITS } from '../../src/domain/story.js';

const NOW = new Date('2026-11-28T12:00:00Z');

const minimal = {
  id: 'tcb-1041',
  url: 'https://news.example/2026/11/entity-list-additions',
  headline: 'Commerce adds 27 entities to the Entity List',
  publishedAt: '2026-11-28T09:15:00+01:00',
};

function parse(overrides: Record<string, unknown>) {
  return parseStory({ ...minimal, ...overrides }, { now: NOW });
}

/** The fields named by the errors of a story that must be refused. */
function errorsOf(overrides: Record<string, unknown>) {
  const result = parse(overrides);
  if (result.ok) throw new Error(`expected errors for ${JSON.stringify(overrides)}`);
  return result.errors;
}

function storyOf(overrides: Record<string, unknown>) {
  const result = parse(overrides);
  if (!result.ok) throw new Error(`expected a story, got ${result.error}`);
  return result.story;
}

describe('story limits', () => {
  it.each([
    ['an id over 200 characters', { id: 'x'.repeat(201) }, 'id', /longer than 200/],
    ['an id with a control character', { id: 'a\u001bb' }, 'id', /control characters/],
    ['a javascript: url', { url: 'javascript:alert(1)' }, 'url', /absolute http\(s\)/],
    ['a data: url', { url: 'data:text/html,<b>x</b>' }, 'url', /absolute http\(s\)/],
    ['a relative url', { url: '../story' }, 'url', /absolute http\(s\)/],
    [
      'a url over 2,000 characters',
      { url: `https://a.example/${'x'.repeat(2000)}` },
      'url',
      /longer/,
    ],
    ['a headline over 300 characters', { headline: 'h'.repeat(301) }, 'headline', /300/],
    ['a headline of only markup', { headline: '<b> </b><img src=x>' }, 'headline', /empty/],
    ['a summary over 2,000 characters', { summary: 's'.repeat(2001) }, 'summary', /2000/],
    ['a body over 200 KB', { body: 'b'.repeat(200 * 1024 + 1) }, 'body', /200 KB/],
    ['a body over 200 KB in UTF-8', { body: 'ü'.repeat(102_401) }, 'body', /200 KB/],
    ['more than 50 tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags', /50/],
    ['a tag over 100 characters', { tags: ['ok', 't'.repeat(101)] }, 'tags.1', /100/],
    ['a tag that is not text', { tags: ['ok', 7] }, 'tags.1', /text/],
    ['a section over 200 characters', { section: 's'.repeat(201) }, 'section', /200/],
    [
      'publishedAt more than a day ahead',
      { publishedAt: '2026-11-29T12:00:01Z' },
      'publishedAt',
      /more than a day in the future/,
    ],
    ['a headline that is a number', { headline: 12 }, 'headline', /must be text/],
    ['a missing publishedAt', { publishedAt: undefined }, 'publishedAt', /is required/],
  ])('refuses %s', (_what, overrides, field, message) => {
    expect(errorsOf(overrides)).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('accepts every field at its limit', () => {
    const story = storyOf({
      id: 'i'.repeat(STORY_LIMITS.idCharacters),
      headline: 'h'.repeat(300),
      summary: 's'.repeat(2000),
      body: 'b'.repeat(200 * 1024),
      tags: Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(100, 't')),
      section: 's'.repeat(200),
      publishedAt: '2026-11-29T12:00:00Z',
    });
    expect(story.headline).toHaveLength(300);
    expect(story.tags).toHaveLength(50);
  });

  it('counts characters as a reader does: 300 emoji are a headline of 300', () => {
    expect(storyOf({ headline: '🇪'.repeat(300) }).headline).toBe('🇪'.repeat(300));
    expect(errorsOf({ headline: '🇪'.repeat(301) })).toHaveLength(1);
  });

  it('reports every error of a record, each with its field', () => {
    const result = parseStory(
      {
        id: '',
        url: 'javascript:alert(1)',
        headline: 'h'.repeat(301),
        tags: ['ok', '', 't'.repeat(101)],
        publishedAt: '2026-11-28',
        access: 'premium',
      },
      { now: NOW },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual([
      'id',
      'url',
      'headline',
      'tags.1',
      'tags.2',
      'publishedAt',
      'access',
    ]);
    expect(result.error).toBe(result.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  });
});

describe('story cleaning', () => {
  it('turns HTML in every field into text, entities into characters', () => {
    const story = storyOf({
      headline: 'Tariffs <em>rise</em> &amp; <b>fall</b>',
      summary: '<p>EU &ndash; US talks</p><script>alert(1)</script>',
      body: '<h2>Background</h2><p>First&nbsp;paragraph with <a href="https://x.example">a link</a>.</p><p>Second.</p>',
      section: '<i>Trade</i>',
      tags: ['<b>BIS</b>', 'AT&amp;T'],
    });
    expect(story).toMatchObject({
      headline: 'Tariffs rise & fall',
      summary: 'EU – US talks',
      body: 'Background\n\nFirst\u00a0paragraph with a link.\n\nSecond.',
      section: 'Trade',
      tags: ['BIS', 'AT&T'],
    });
  });

  it('keeps text that only looks like markup as it is', () => {
    expect(storyOf({ headline: 'Rates < 5% and AT&T > peers' }).headline).toBe(
      'Rates < 5% and AT&T > peers',
    );
  });

  it('stores escaped markup as the text it shows, never as markup', () => {
    expect(storyOf({ headline: '&lt;script&gt;alert(1)&lt;/script&gt;' }).headline).toBe(
      '<script>alert(1)</script>',
    );
  });

  it('removes control characters that an entity would bring back', () => {
    expect(storyOf({ headline: 'A&#27;[31m red &#7;B' }).headline).toBe('A red B');
  });

  it('normalizes white space: one space on a line, one blank line between paragraphs', () => {
    const story = storyOf({
      headline: '  Sanctions \t  widened\n\nagain ',
      body: '  One  \t line \n\n\n\n  Two\u00a0\n',
    });
    expect(story.headline).toBe('Sanctions widened again');
    expect(story.body).toBe('One line\n\nTwo');
  });

  it('replaces halves of surrogate pairs instead of failing', () => {
    expect(storyOf({ headline: 'Broken \ud83d text \udc4d' }).headline).toBe(
      'Broken \ufffd text \ufffd',
    );
  });

  it('accepts publishedAt a little ahead of the clock', () => {
    expect(storyOf({ publishedAt: '2026-11-29T11:59:59Z' }).publishedAt).toBe(
      '2026-11-29T11:59:59Z',
    );
  });
});
