import { describe, expect, it } from 'vitest';
import {
  groupDigestStories,
  type SubscriptionLabel,
  YOUR_SEARCHES_TITLE,
} from '../../../src/domain/digest-content.js';
import type { StoredStory } from '../../../src/domain/stored-story.js';

const SANCTIONS = 1;
const EXPORT_CONTROLS = 2;
const CUSTOMS = 3;
const topicNames = new Map([
  [SANCTIONS, 'Russia sanctions'],
  [EXPORT_CONTROLS, 'Export controls'],
  [CUSTOMS, 'Customs'],
]);

// Subscription id -> the topic it follows (null: the reader's own query).
const subscriptions = new Map<number, SubscriptionLabel>([
  [10, { id: 10, topicId: SANCTIONS }],
  [11, { id: 11, topicId: EXPORT_CONTROLS }],
  [12, { id: 12, topicId: CUSTOMS }],
  [20, { id: 20, topicId: null }],
  [21, { id: 21, topicId: null }],
]);

function stored(id: number, publishedAt: string): StoredStory {
  const when = new Date(publishedAt);
  return {
    id,
    externalId: `tcb-${id}`,
    url: `https://news.example/story/${id}`,
    headline: `Headline ${id}`,
    summary: `Summary ${id}`,
    body: 'Body text.',
    section: id % 2 === 0 ? 'Sanctions' : null,
    tags: ['tag'],
    publishedAt: when,
    access: id % 3 === 0 ? 'free' : 'subscriber',
    revision: 1,
    matchedRevision: 1,
    createdAt: when,
    updatedAt: when,
  };
}

function group(stories: StoredStory[], matchedBy: Record<number, number[]>) {
  return groupDigestStories(
    stories,
    new Map(Object.entries(matchedBy).map(([storyId, subs]) => [Number(storyId), subs])),
    subscriptions,
    topicNames,
  );
}

/** Group titles with the publisher ids of their stories, in order. */
function outline(groups: ReturnType<typeof group>) {
  return groups.map((g) => [g.title, g.stories.map((s) => s.id)]);
}

describe('groupDigestStories', () => {
  it('groups stories under their topic names, groups by name', () => {
    const groups = group(
      [
        stored(1, '2026-11-28T08:00:00Z'),
        stored(2, '2026-11-28T09:00:00Z'),
        stored(3, '2026-11-28T10:00:00Z'),
      ],
      { 1: [10], 2: [11], 3: [12] },
    );
    expect(outline(groups)).toEqual([
      ['Customs', ['tcb-3']],
      ['Export controls', ['tcb-2']],
      ['Russia sanctions', ['tcb-1']],
    ]);
  });

  it('lists each group newest first, whatever the input order', () => {
    const groups = group(
      [
        stored(1, '2026-11-27T08:00:00Z'),
        stored(2, '2026-11-28T09:00:00+05:00'),
        stored(3, '2026-11-28T06:00:00Z'),
      ],
      { 1: [10], 2: [10], 3: [10] },
    );
    // 09:00+05:00 is 04:00Z: older than story 3.
    expect(outline(groups)).toEqual([['Russia sanctions', ['tcb-3', 'tcb-2', 'tcb-1']]]);
  });

  it('shows a story matched by two topics once, under the first by name, naming both', () => {
    const groups = group([stored(1, '2026-11-28T08:00:00Z'), stored(2, '2026-11-28T07:00:00Z')], {
      1: [10, 11],
      2: [10],
    });
    expect(outline(groups)).toEqual([
      ['Export controls', ['tcb-1']],
      ['Russia sanctions', ['tcb-2']],
    ]);
    expect(groups[0]?.stories[0]?.matched).toEqual(['Export controls', 'Russia sanctions']);
    expect(groups[1]?.stories[0]?.matched).toEqual(['Russia sanctions']);
  });

  it('names a topic once when two subscriptions to it matched', () => {
    const twice = new Map(subscriptions).set(13, { id: 13, topicId: SANCTIONS });
    const groups = groupDigestStories(
      [stored(1, '2026-11-28T08:00:00Z')],
      new Map([[1, [10, 13]]]),
      twice,
      topicNames,
    );
    expect(groups).toHaveLength(1);
    expect(groups[0]?.stories[0]?.matched).toEqual(['Russia sanctions']);
  });

  it('puts the reader’s own queries under "Your searches", last', () => {
    const groups = group(
      [
        stored(1, '2026-11-28T11:00:00Z'),
        stored(2, '2026-11-28T10:00:00Z'),
        stored(3, '2026-11-28T09:00:00Z'),
      ],
      { 1: [20], 2: [10], 3: [21, 20] },
    );
    expect(YOUR_SEARCHES_TITLE).toBe('Your searches');
    expect(outline(groups)).toEqual([
      ['Russia sanctions', ['tcb-2']],
      ['Your searches', ['tcb-1', 'tcb-3']],
    ]);
    expect(groups[1]?.stories[1]?.matched).toEqual(['Your searches']);
  });

  it('keeps "Your searches" last even after topic names that sort after it', () => {
    const names = new Map(topicNames).set(SANCTIONS, 'Zimbabwe sanctions');
    const groups = groupDigestStories(
      [stored(1, '2026-11-28T09:00:00Z'), stored(2, '2026-11-28T08:00:00Z')],
      new Map([
        [1, [20]],
        [2, [10]],
      ]),
      subscriptions,
      names,
    );
    expect(groups.map((g) => g.title)).toEqual(['Zimbabwe sanctions', 'Your searches']);
  });

  it('files a story matched by a topic and an own query under the topic, naming both', () => {
    const groups = group([stored(1, '2026-11-28T08:00:00Z')], { 1: [20, 10] });
    expect(outline(groups)).toEqual([['Russia sanctions', ['tcb-1']]]);
    expect(groups[0]?.stories[0]?.matched).toEqual(['Russia sanctions', 'Your searches']);
  });

  it('shows each story as the email needs it', () => {
    const story = stored(6, '2026-11-28T08:00:00Z');
    const [first] = group([story], { 6: [11] });
    expect(first?.stories).toEqual([
      {
        id: 'tcb-6',
        headline: 'Headline 6',
        summary: 'Summary 6',
        url: 'https://news.example/story/6',
        publishedAt: '2026-11-28T08:00:00.000Z',
        section: 'Sanctions',
        access: 'free',
        matched: ['Export controls'],
      },
    ]);
  });

  it('gives no groups for no stories', () => {
    expect(group([], {})).toEqual([]);
  });
});
