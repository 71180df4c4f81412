import { describe, expect, it } from 'vitest';
import type { DigestContent } from '../../src/domain/digest-content.js';
import { verifyToken } from '../../src/domain/signed-token.js';
import {
  renderCampaignEmailDirect,
  renderDigestEmailDirect,
} from '../../src/email/email-renderer.js';
import {
  alertContent,
  chinaRussia,
  dailyContent,
  entityList,
  freeGuidance,
  freeReader,
  links,
  makeStory,
  now,
  prospect,
  subscriber,
} from './email-render.fixtures.js';

const trialLink = /https:\/\/bulletin\.example\.com\/t\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g;

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function tokensIn(text: string): string[] {
  return [...new Set([...text.matchAll(trialLink)].map((match) => match[1]!))];
}

describe('renderDigestEmail content', () => {
  it('links every story directly for a reader with full access, without a trial offer', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content: dailyContent,
      digestId: 7,
      links,
      now,
    });
    for (const story of [entityList, chinaRussia, freeGuidance]) {
      expect(email.html).toContain(`href="${story.url}"`);
      expect(email.text).toContain(story.url);
    }
    expect(email.html).not.toContain('/t/');
    expect(email.text).not.toContain('/t/');
    expect(email.html).not.toContain('free trial');
  });

  it('gives a reader without access teasers, personal trial links and one call to action', async () => {
    const email = await renderDigestEmailDirect({
      reader: freeReader,
      content: dailyContent,
      digestId: 7,
      links,
      now,
    });
    // Paywalled stories do not link straight to the story; the free one does.
    expect(email.html).not.toContain(entityList.url);
    expect(email.html).not.toContain(chinaRussia.url);
    expect(email.html).toContain(`href="${freeGuidance.url}"`);
    expect(email.html).toContain(entityList.summary);
    // One trial link per paywalled story, signed for this reader, story and digest.
    const tokens = tokensIn(email.html);
    expect(tokens).toHaveLength(2);
    const payloads = tokens.map((token) => {
      const result = verifyToken(links.secretKey, token, freeReader.linkSecret, now);
      if (!result.ok) throw new Error(result.reason);
      return result.payload;
    });
    expect(payloads).toEqual([
      { kind: 'trial', reader: freeReader.id, story: entityList.id, source: { digest: 7 } },
      { kind: 'trial', reader: freeReader.id, story: chinaRussia.id, source: { digest: 7 } },
    ]);
    expect(tokensIn(email.text)).toEqual(tokens);
    // The entity-list story sits under two groups: each card offers the trial.
    expect(count(email.html, 'Start a free trial to read the full story')).toBe(3);
    expect(count(email.html, 'Read every story in full')).toBe(1);
    expect(count(email.text, 'Read every story in full')).toBe(1);
  });

  it('offers no trial when every story is free', async () => {
    const content: DigestContent = {
      ...dailyContent,
      groups: [{ title: 'Customs', stories: [freeGuidance] }],
    };
    const email = await renderDigestEmailDirect({
      reader: freeReader,
      content,
      digestId: 1,
      links,
      now,
    });
    expect(email.html).toContain(`href="${freeGuidance.url}"`);
    expect(email.html).not.toContain('free trial');
    expect(email.text).not.toContain('/t/');
  });

  it('writes a text part with headline, date, summary and link per story', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content: dailyContent,
      digestId: 7,
      links,
      now,
    });
    expect(email.text).toContain(
      [
        'Commerce adds 27 Chinese entities to Entity List',
        '27 Nov 2026 · Export controls',
        entityList.summary,
        'Matched: Export controls, Entity List',
        `Read the story: ${entityList.url}`,
      ].join('\n'),
    );
    expect(email.text).not.toMatch(/<[a-z]/i);
  });

  it('says in both parts why the reader gets it, with preferences, unsubscribe and address', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content: dailyContent,
      digestId: 7,
      links,
      now,
    });
    const reason =
      'You get this because you follow Export controls, Russia sanctions and your saved searches (daily).';
    for (const part of [email.html, email.text]) {
      expect(part).toContain(reason);
      expect(part).toContain(email.unsubscribeUrl);
      expect(part).toContain(email.preferencesUrl);
      expect(part).toContain(links.postalAddress);
    }
    expect(email.unsubscribeUrl).toMatch(/^https:\/\/bulletin\.example\.com\/u\/[\w-]+\.[\w-]+$/);
    expect(email.preferencesUrl).toMatch(/^https:\/\/bulletin\.example\.com\/p\/[\w-]+\.[\w-]+$/);
    const token = email.unsubscribeUrl.split('/u/')[1]!;
    const check = (at: Date) => verifyToken(links.secretKey, token, subscriber.linkSecret, at);
    const unsubscribe = check(now);
    // One click takes the reader off the list this email belongs to: the daily digest.
    expect(unsubscribe.ok && unsubscribe.payload).toEqual({
      kind: 'unsubscribe',
      reader: subscriber.id,
      list: 'daily',
    });
    // An unsubscribe link from an old email still works months later.
    expect(check(new Date('2027-09-01T00:00:00Z')).ok).toBe(true);
  });

  it('takes the reason from the input when given', async () => {
    const reason = 'You get this because your firm subscribed you.';
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content: dailyContent,
      digestId: 7,
      links,
      now,
      reason,
    });
    expect(email.text).toContain(reason);
    expect(email.html).toContain(reason);
  });

  it('writes subject, title and period from the content', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content: dailyContent,
      digestId: 7,
      links,
      now,
    });
    expect(email.subject).toBe(
      'Trade Compliance Brief daily: Commerce adds 27 Chinese entities to Entity List (+2 more)',
    );
    // 08:00 to 08:00 in New York, its stories inside: named by the date it is sent for.
    expect(email.text.split('\n').slice(0, 3)).toEqual([
      'Trade Compliance Brief',
      'Daily digest',
      'Saturday, 28 November 2026',
    ]);
    const weekly = await renderDigestEmailDirect({
      reader: subscriber,
      content: { ...dailyContent, cadence: 'weekly', periodStart: '2026-11-21T13:00:00Z' },
      digestId: 8,
      links,
      now,
    });
    expect(weekly.subject.startsWith('Trade Compliance Brief weekly: ')).toBe(true);
    expect(weekly.text.split('\n')[2]).toBe('21 – 28 November 2026');
  });

  /** The period line of a digest with these stories and period, for a reader in `timeZone`. */
  async function periodLine(overrides: Partial<DigestContent>, publishedAt: string[]) {
    const stories = publishedAt.map((at, i) => makeStory({ id: `p${i}`, publishedAt: at }));
    const content: DigestContent = {
      ...dailyContent,
      groups: [{ title: 'Export controls', stories }],
      ...overrides,
    };
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content,
      digestId: 1,
      links,
      now,
    });
    const [html] = email.html.match(/<\/h1><p[^>]*>[^<]*/) ?? [''];
    // The masthead and the text part say the same.
    expect(html.endsWith(`>${email.text.split('\n')[2]}`)).toBe(true);
    return email.text.split('\n')[2];
  }

  it('names one date when period and stories lie within it', async () => {
    const midnightToMidnight = {
      periodStart: '2026-11-27T05:00:00Z',
      periodEnd: '2026-11-28T05:00:00Z',
    };
    expect(await periodLine(midnightToMidnight, ['2026-11-27T15:00:00Z'])).toBe(
      'Friday, 27 November 2026',
    );
  });

  it('reaches the stories of a weekly digest built late, after downtime', async () => {
    const week = {
      cadence: 'weekly' as const,
      periodStart: '2026-11-23T12:00:00Z',
      periodEnd: '2026-11-30T12:00:00Z',
    };
    expect(await periodLine(week, ['2026-11-25T10:00:00Z', '2026-12-01T14:00:00Z'])).toBe(
      '23 November – 1 December 2026',
    );
    // In Sydney the period runs from the 23rd 23:00 to the 30th 23:00, and the late story is
    // already the 2nd of December.
    expect(
      await periodLine({ ...week, timeZone: 'Australia/Sydney' }, ['2026-12-01T14:00:00Z']),
    ).toBe('23 November – 2 December 2026');
    // A story matched late, published before the period, is covered too.
    expect(await periodLine(week, ['2026-11-20T10:00:00Z'])).toBe('20 – 30 November 2026');
  });

  it('says what matched only when it says more than the heading above the story', async () => {
    const only = makeStory({ id: 'c1', headline: 'Only customs', matched: ['Customs'] });
    const both = makeStory({
      id: 'c2',
      headline: 'Customs and more',
      matched: ['Customs', 'Sanctions'],
    });
    const other = makeStory({ id: 'c3', headline: 'Found by a search', matched: ['Tariffs'] });
    const content: DigestContent = {
      ...dailyContent,
      groups: [
        { title: 'Customs', stories: [only, both] },
        { title: 'Your searches', stories: [other] },
      ],
    };
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content,
      digestId: 3,
      links,
      now,
    });
    for (const part of [email.html, email.text]) {
      expect(part).not.toContain('Matched: Customs<');
      expect(part).not.toMatch(/^Matched: Customs$/m);
      expect(part).toContain('Matched: Customs, Sanctions');
      expect(part).toContain('Matched: Tariffs');
    }
    expect(count(email.text, 'Matched:')).toBe(2);
    expect(count(email.html, 'Matched:')).toBe(2);
    // An alert hides the title of its one group (the masthead names it); the rule holds there too.
    const alert = await renderDigestEmailDirect({
      reader: subscriber,
      content: { ...alertContent, groups: [{ title: 'Customs', stories: [only] }] },
      digestId: 4,
      links,
      now,
    });
    expect(alert.text).toContain('Alert: Customs');
    expect(alert.text).not.toContain('Matched:');
    expect(alert.html).not.toContain('Matched:');
  });

  it('says how many stories the cap left out, linked to the publisher’s site', async () => {
    const content: DigestContent = { ...dailyContent, omitted: 12 };
    const email = await renderDigestEmailDirect({
      reader: freeReader,
      content,
      digestId: 7,
      links,
      now,
    });
    // Three shown, twelve more: the intro and the subject count all fifteen.
    expect(email.text).toContain('15 new stories match what you follow.');
    expect(email.subject).toMatch(/\(\+14 more\)$/);
    // Below the last story, above the trial offer and the footer.
    const lines = email.text.split('\n');
    const more = lines.indexOf('and 12 more stories: https://news.example.com/');
    expect(more).toBeGreaterThan(lines.indexOf(`Read the story: ${freeGuidance.url}`));
    expect(more).toBeLessThan(lines.indexOf('Read every story in full'));
    expect(email.html).toContain('<a href="https://news.example.com/"');
    expect(count(email.html, 'and 12 more stories')).toBe(1);
    // Bulletin's own web server is not where the stories are.
    expect(email.html).not.toContain('href="https://bulletin.example.com/"');
  });

  it('says nothing of more stories when none was left out', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content: { ...dailyContent, omitted: 0 },
      digestId: 7,
      links,
      now,
    });
    expect(email.text).not.toMatch(/more stor/);
    expect(email.html).not.toMatch(/more stor/);
  });

  it('names the stories left out without a link when no story has a usable one', async () => {
    const unlinked = makeStory({ id: 'x', url: 'javascript:alert(1)', access: 'free' });
    const content: DigestContent = {
      ...dailyContent,
      groups: [{ title: 'Customs', stories: [unlinked] }],
      omitted: 1,
    };
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content,
      digestId: 7,
      links,
      now,
    });
    expect(email.text.split('\n')).toContain('and 1 more story');
    expect(email.html).toMatch(/>and 1 more story<\/p>/);
    expect(email.html).not.toContain('javascript:');
  });

  it('renders an alert with the headline as subject and the time in the reader’s zone', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content: alertContent,
      digestId: 9,
      links,
      now,
    });
    expect(email.subject).toBe(chinaRussia.headline);
    expect(email.text).toContain('Alert: Russia sanctions');
    expect(email.text).toContain('28 Nov 2026, 13:59 CET');
    expect(email.text).toContain('27 Nov 2026, 16:30 CET · Sanctions');
    expect(email.text).toContain('(instant alerts)');
  });

  it.each([
    ['America/New_York', '2026-11-28T12:00:00Z', '28 Nov 2026, 06:59 EST'],
    ['America/New_York', '2026-07-15T12:00:00Z', '15 Jul 2026, 07:59 EDT'],
    ['Europe/Berlin', '2026-07-15T12:00:00Z', '15 Jul 2026, 13:59 CEST'],
    ['Asia/Kolkata', '2026-11-28T12:00:00Z', '28 Nov 2026, 17:29 UTC+05:30'],
    ['UTC', '2026-11-28T12:00:00Z', '28 Nov 2026, 11:59 UTC'],
  ])(
    'names the zone of every time in an alert for a reader in %s',
    async (timeZone, end, label) => {
      const story = {
        ...chinaRussia,
        publishedAt: new Date(Date.parse(end) - 60_000).toISOString(),
      };
      const content: DigestContent = {
        ...alertContent,
        timeZone,
        periodStart: new Date(Date.parse(end) - 120_000).toISOString(),
        periodEnd: end,
        groups: [{ title: 'Russia sanctions', stories: [story] }],
      };
      const email = await renderDigestEmailDirect({
        reader: subscriber,
        content,
        digestId: 9,
        links,
        now,
      });
      // The masthead's time and the story's, a minute apart; both parts alike.
      expect(email.text.split('\n')[2]).toBe(label);
      expect(email.text).toContain(`${label} · Sanctions`);
      expect(email.html).toContain(`>${label}</p>`);
      expect(email.html).not.toMatch(/GMT[+-]/);
    },
  );
});

describe('escaping story text', () => {
  const hostile = makeStory({
    id: 'evil',
    headline: 'Sanctions <script>alert("x")</script>\r\nBcc: victim@example.com',
    summary:
      '"><a href="https://evil.example/phish">click</a>\r\nUnsubscribe: https://evil.example',
    section: '<img src=x onerror=alert(1)>',
    url: 'javascript:alert(document.cookie)',
    access: 'free',
    matched: ['<b>topic</b>'],
  });
  const content: DigestContent = {
    ...dailyContent,
    groups: [{ title: 'Export <i>controls</i>\r\n', stories: [hostile] }],
  };

  it('injects no markup into the HTML', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content,
      digestId: 1,
      links,
      now,
    });
    expect(email.html).not.toMatch(/<script|<img|<b>|<i>|<a href="https:\/\/evil/i);
    expect(email.html).not.toContain('javascript:');
    // A story without a usable link keeps its headline and teaser, and offers no link.
    expect(email.html).not.toContain('Read the story');
    expect(email.text).not.toContain('Read the story');
    expect(email.html).toContain(
      'Sanctions &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Bcc:',
    );
    expect(email.html).toContain('&quot;&gt;&lt;a href=&quot;https://evil.example/phish&quot;&gt;');
  });

  it('keeps the subject on one line and the text part free of forged lines', async () => {
    const email = await renderDigestEmailDirect({
      reader: subscriber,
      content,
      digestId: 1,
      links,
      now,
    });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toBe(
      'Export <i>controls</i> daily: Sanctions <script>alert("x")</script> Bcc…',
    );
    expect(email.text).not.toContain('\r');
    expect(email.text.split('\n').filter((line) => line.startsWith('Unsubscribe:'))).toEqual([
      `Unsubscribe: ${email.unsubscribeUrl}`,
    ]);
    expect(email.text.split('\n')).not.toContain('Bcc: victim@example.com');
  });
});

describe('renderCampaignEmail content', () => {
  it('invites a prospect with trial links signed for the campaign and one call to action', async () => {
    const email = await renderCampaignEmailDirect({
      reader: prospect,
      stories: [entityList, freeGuidance],
      campaignId: 12,
      links,
      now,
    });
    expect(email.subject).toBe(
      'Trade Compliance Brief: Commerce adds 27 Chinese entities to Entity List (+1 more)',
    );
    expect(email.text).toContain('Hello,');
    expect(count(email.html, 'Start your free trial')).toBe(1);
    const [token] = tokensIn(email.html);
    const result = verifyToken(links.secretKey, token!, prospect.linkSecret, now);
    expect(result.ok && result.payload).toEqual({
      kind: 'trial',
      reader: prospect.id,
      story: entityList.id,
      source: { campaign: 12 },
    });
    expect(email.html).toContain(`href="${freeGuidance.url}"`);
    // The promotional notice names the publication; the lines after it do not repeat it.
    expect(email.text).toContain(
      [
        '----------------------------------------',
        'This is a promotional offer from Trade Compliance Brief.',
        'You get this because you asked to hear from us.',
      ].join('\n'),
    );
  });

  it('uses marketing’s intro when given', async () => {
    const email = await renderCampaignEmailDirect({
      reader: { ...prospect, name: 'Pat' },
      stories: [entityList],
      campaignId: 12,
      links,
      now,
      intro: 'Our newsroom covered the new Entity List additions in depth.',
    });
    expect(email.text).toContain(
      'Hi Pat,\n\nOur newsroom covered the new Entity List additions in depth.',
    );
  });
});
