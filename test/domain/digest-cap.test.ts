import { describe, expect, it } from 'vitest';
import {
  capDigestContent,
  capDigestStories,
  type DigestContent,
  type EmailStory,
  type StoryGroup,
} from '../../src/domain/digest-content.js';

function story(id: string, publishedAt: string): EmailStory {
  return {
    id,
    headline: `Story ${id}`,
    summary: '',
    url: `https://news.example.com/${id}`,
    publishedAt,
    section: null,
    access: 'free',
    matched: [],
  };
}

/** Ids per group, to read the outcome at a glance. */
function idsOf(groups: readonly StoryGroup[]): Record<string, string[]> {
  return Object.fromEntries(groups.map((g) => [g.title, g.stories.map((s) => s.id)]));
}

const customs: StoryGroup = {
  title: 'Customs',
  stories: [story('c1', '2026-11-28T06:00:00Z'), story('c2', '2026-11-27T09:00:00Z')],
};
const sanctions: StoryGroup = {
  title: 'Sanctions',
  stories: [
    story('s1', '2026-11-28T05:00:00Z'),
    story('s2', '2026-11-27T20:00:00Z'),
    story('s3', '2026-11-26T10:00:00Z'),
  ],
};
const searches: StoryGroup = {
  title: 'Your searches',
  stories: [story('y1', '2026-11-27T12:00:00Z')],
};

describe('capDigestStories', () => {
  it('keeps everything when the digest is within the cap', () => {
    const result = capDigestStories([customs, sanctions, searches], 6);
    expect(result.omitted).toBe(0);
    expect(idsOf(result.groups)).toEqual(idsOf([customs, sanctions, searches]));
  });

  it('keeps the newest across groups, in their groups and order', () => {
    const result = capDigestStories([customs, sanctions, searches], 4);
    // Newest four: c1 (28th 06:00), s1 (05:00), s2 (27th 20:00), y1 (12:00).
    expect(idsOf(result.groups)).toEqual({
      Customs: ['c1'],
      Sanctions: ['s1', 's2'],
      'Your searches': ['y1'],
    });
    expect(result.omitted).toBe(2);
  });

  it('drops a group whose stories are all older than the cap keeps', () => {
    const result = capDigestStories([customs, sanctions, searches], 2);
    expect(idsOf(result.groups)).toEqual({ Customs: ['c1'], Sanctions: ['s1'] });
    expect(result.omitted).toBe(4);
  });

  it('counts a story listed under two groups once, and keeps it in both', () => {
    const shared = story('both', '2026-11-28T07:00:00Z');
    const groups = [
      { title: 'Customs', stories: [shared, ...customs.stories] },
      { title: 'Sanctions', stories: [shared, ...sanctions.stories] },
    ];
    const result = capDigestStories(groups, 2);
    expect(idsOf(result.groups)).toEqual({ Customs: ['both', 'c1'], Sanctions: ['both'] });
    // Six distinct stories, two shown.
    expect(result.omitted).toBe(4);
  });

  it('breaks ties in publication time by order of appearance, whatever the group order', () => {
    const same = '2026-11-28T06:00:00Z';
    const groups = [
      { title: 'A', stories: [story('a1', same), story('a2', same)] },
      { title: 'B', stories: [story('b1', same)] },
    ];
    expect(idsOf(capDigestStories(groups, 2).groups)).toEqual({ A: ['a1', 'a2'] });
    expect(idsOf(capDigestStories([groups[1]!, groups[0]!], 2).groups)).toEqual({
      B: ['b1'],
      A: ['a1'],
    });
  });

  it('ranks a story whose date cannot be read below every dated one', () => {
    const groups = [
      {
        title: 'A',
        stories: [story('undated', 'not a date'), story('old', '1990-01-01T00:00:00Z')],
      },
    ];
    expect(idsOf(capDigestStories(groups, 1).groups)).toEqual({ A: ['old'] });
  });

  it('leaves its input alone', () => {
    const groups = [customs, sanctions];
    const before = JSON.stringify(groups);
    capDigestStories(groups, 1);
    expect(JSON.stringify(groups)).toBe(before);
  });

  it.each([0, -1, 2.5, Number.NaN])('refuses a cap of %s', (max) => {
    expect(() => capDigestStories([customs], max)).toThrow(RangeError);
  });
});

describe('capDigestContent', () => {
  const content: DigestContent = {
    kind: 'digest',
    cadence: 'daily',
    periodStart: '2026-11-27T07:00:00Z',
    periodEnd: '2026-11-28T07:00:00Z',
    timeZone: 'UTC',
    groups: [customs, sanctions, searches],
  };

  it('records what it left out and keeps the rest of the content', () => {
    const capped = capDigestContent(content, 3);
    expect(capped).toMatchObject({ ...content, groups: expect.any(Array), omitted: 3 });
    expect(idsOf(capped.groups)).toEqual({ Customs: ['c1'], Sanctions: ['s1', 's2'] });
  });

  it('adds to stories already left out, so capping twice loses no count', () => {
    const twice = capDigestContent(capDigestContent(content, 4), 2);
    expect(twice.omitted).toBe(4);
    expect(capDigestContent(content, 25).omitted).toBe(0);
  });
});
