import { describe, expect, it } from 'vitest';
import {
  type DigestContent,
  type EmailStory,
  listDistinctStories,
} from '../../src/domain/digest-content.js';
import {
  collapseWhitespace,
  shortenOnWordBoundary,
  writeCampaignSubject,
  writeSubject,
} from '../../src/email/email-content.js';

const publication = 'Trade Compliance Brief';

function story(id: string, headline: string): EmailStory {
  return {
    id,
    headline,
    summary: '',
    url: `https://news.example.com/${id}`,
    publishedAt: '2026-11-27T15:00:00Z',
    section: null,
    access: 'subscriber',
    matched: [],
  };
}

function digest(
  groups: DigestContent['groups'],
  overrides: Partial<DigestContent> = {},
): DigestContent {
  return {
    kind: 'digest',
    cadence: 'daily',
    periodStart: '2026-11-27T08:00:00Z',
    periodEnd: '2026-11-28T08:00:00Z',
    timeZone: 'UTC',
    groups,
    ...overrides,
  };
}

const lead = story('1', 'Commerce adds 27 Chinese entities to Entity List');
const others = ['2', '3', '4', '5', '6', '7'].map((id) => story(id, `Story ${id}`));

describe('writeSubject', () => {
  it('prefixes the single group’s title and counts the other stories', () => {
    const content = digest([{ title: 'Export controls', stories: [lead, ...others] }]);
    expect(writeSubject(content, publication)).toBe(
      'Export controls daily: Commerce adds 27 Chinese entities to Entity List (+6 more)',
    );
  });

  it('uses the publication name when there are several groups', () => {
    const content = digest([
      { title: 'Export controls', stories: [lead] },
      { title: 'Russia sanctions', stories: [others[0]!] },
    ]);
    expect(writeSubject(content, publication)).toBe(
      'Trade Compliance Brief daily: Commerce adds 27 Chinese entities to Entity List (+1 more)',
    );
  });

  it('writes weekly subjects', () => {
    const content = digest([{ title: 'Customs', stories: [lead] }], { cadence: 'weekly' });
    expect(writeSubject(content, publication)).toBe(
      'Customs weekly: Commerce adds 27 Chinese entities to Entity List',
    );
  });

  it('gives alerts the headline alone', () => {
    const one = digest([{ title: 'Export controls', stories: [lead] }], {
      kind: 'alert',
      cadence: 'instant',
    });
    expect(writeSubject(one, publication)).toBe('Commerce adds 27 Chinese entities to Entity List');
    const two = { ...one, groups: [{ title: 'Export controls', stories: [lead, others[0]!] }] };
    expect(writeSubject(two, publication)).toBe(
      'Commerce adds 27 Chinese entities to Entity List (+1 more)',
    );
  });

  it('counts a story listed under two topics once', () => {
    const content = digest([
      { title: 'Export controls', stories: [lead, others[0]!] },
      { title: 'China', stories: [lead] },
    ]);
    expect(writeSubject(content, publication)).toMatch(/\(\+1 more\)$/);
  });

  it('counts the stories the cap left out of the email too', () => {
    const content = digest([{ title: 'Export controls', stories: [lead, ...others] }], {
      omitted: 19,
    });
    expect(writeSubject(content, publication)).toBe(
      'Export controls daily: Commerce adds 27 Chinese entities to Entity List (+25 more)',
    );
    const one = digest([{ title: 'Customs', stories: [lead] }], { omitted: 1 });
    expect(writeSubject(one, publication)).toMatch(/\(\+1 more\)$/);
  });

  it('shortens a long headline on a word boundary to fit 78 characters', () => {
    const long = story(
      'x',
      'Treasury sanctions a sprawling network of shipping companies, vessels and intermediaries accused of moving Iranian oil',
    );
    const alone = writeSubject(digest([{ title: 'Sanctions', stories: [long] }]), publication);
    expect(alone).toBe(
      'Sanctions daily: Treasury sanctions a sprawling network of shipping companies…',
    );
    expect(alone.length).toBeLessThanOrEqual(78);
    const counted = writeSubject(
      digest([{ title: 'Sanctions', stories: [long, ...others] }]),
      publication,
    );
    expect(counted).toBe(`${alone} (+6 more)`);
  });

  it('never shouts: an all-caps headline is put in sentence case', () => {
    const loud = story('x', 'OFAC SANCTIONS 12 RUSSIAN BANKS');
    const subject = writeSubject(
      digest([{ title: 'Sanctions', stories: [loud] }], { kind: 'alert', cadence: 'instant' }),
      publication,
    );
    expect(subject).toBe('Ofac sanctions 12 russian banks');
    expect(subject).not.toBe(subject.toUpperCase());
  });

  it('keeps headlines that merely contain acronyms', () => {
    const mixed = story('x', 'BIS and OFAC issue joint EU guidance');
    const subject = writeSubject(digest([{ title: 'Sanctions', stories: [mixed] }]), publication);
    expect(subject).toBe('Sanctions daily: BIS and OFAC issue joint EU guidance');
  });

  it('never carries CR, LF or other control characters', () => {
    const injected = story('x', 'Breaking\r\nBcc: victim@example.com\r\n\r\nbody\u2028more\ttab');
    const content = digest([{ title: 'Export\ncontrols', stories: [injected] }]);
    const subject = writeSubject(content, publication);
    expect(subject).not.toMatch(/[\r\n\t\u2028]/);
    expect(subject).toBe('Export controls daily: Breaking Bcc: victim@example.com body more tab');
  });

  it('still writes a subject for an empty digest', () => {
    expect(writeSubject(digest([]), publication)).toBe('Trade Compliance Brief daily digest');
  });
});

describe('writeCampaignSubject', () => {
  it('names the publication and the lead story', () => {
    expect(writeCampaignSubject([lead, others[0]!], publication)).toBe(
      'Trade Compliance Brief: Commerce adds 27 Chinese entities to Entity List (+1 more)',
    );
    expect(writeCampaignSubject([], publication)).toBe(
      'Trade Compliance Brief: start your free trial',
    );
  });
});

describe('shortenOnWordBoundary', () => {
  it('leaves short text alone and cuts long text at a space', () => {
    expect(shortenOnWordBoundary('short text', 20)).toBe('short text');
    expect(shortenOnWordBoundary('one two three four five', 16)).toBe('one two three…');
  });

  it('cuts inside a word when the only space is far back', () => {
    expect(shortenOnWordBoundary('a supercalifragilisticexpialidocious', 12)).toBe('a supercali…');
  });

  it('drops punctuation left before the ellipsis', () => {
    expect(shortenOnWordBoundary('Sanctions, export controls, customs', 29)).toBe(
      'Sanctions, export controls…',
    );
  });
});

describe('collapseWhitespace and listDistinctStories', () => {
  it('collapses runs of white space and control characters', () => {
    expect(collapseWhitespace('  a\r\n\tb\u0000c  ')).toBe('a b c');
  });

  it('lists each story once, in order of first appearance', () => {
    const ids = listDistinctStories([
      { title: 'A', stories: [lead, others[0]!] },
      { title: 'B', stories: [others[0]!, others[1]!] },
    ]).map((s) => s.id);
    expect(ids).toEqual(['1', '2', '3']);
  });
});
