import { describe, expect, it } from 'vitest';
import type { DigestContent } from '../../src/domain/digest-content.js';
import type { EmailReader } from '../../src/email/email-content.js';
import {
  createEmailRenderer,
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
  now,
  subscriber,
  trickyReader,
} from './email-render.fixtures.js';

const unnamed: EmailReader = {
  id: 4,
  linkSecret: 'dee-link-secret',
  email: 'dee@example.com',
  name: null,
  fullAccess: false,
};

describe('render once, fill per reader', () => {
  it.each([
    ['a full-access reader', subscriber],
    ['a teaser reader', freeReader],
    ['a reader whose name holds < & " and \'', trickyReader],
    ['a reader without a name', unnamed],
  ])('equals a direct render byte for byte for %s', async (_label, reader) => {
    const renderer = createEmailRenderer();
    // The last one is over the story cap: its "and N more" line is part of the shell.
    for (const content of [dailyContent, alertContent, { ...dailyContent, omitted: 3 }]) {
      const input = { reader, content, digestId: 31, links, now };
      // The first call renders the shell, the second only fills it: both must match.
      const first = await renderer.renderDigestEmail(input);
      const second = await renderer.renderDigestEmail(input);
      const direct = await renderDigestEmailDirect(input);
      expect(first).toEqual(direct);
      expect(second.html).toBe(direct.html);
      expect(second.text).toBe(direct.text);
    }
    expect(renderer.readStats()).toMatchObject({ hits: 3, misses: 3, size: 3 });
  });

  it('reuses a story card across different digests, each with its own trial links', async () => {
    const renderer = createEmailRenderer();
    // Three digests, each its own shell, sharing story cards in other groups and positions.
    const contents: DigestContent[] = [
      dailyContent,
      { ...dailyContent, groups: [dailyContent.groups[1]!, dailyContent.groups[0]!] },
      {
        ...dailyContent,
        groups: [{ title: 'Russia sanctions', stories: [chinaRussia, entityList] }],
      },
    ];
    for (const [i, content] of contents.entries()) {
      for (const reader of [freeReader, subscriber]) {
        const input = { reader, content, digestId: 40 + i, links, now };
        expect(await renderer.renderDigestEmail(input)).toEqual(
          await renderDigestEmailDirect(input),
        );
      }
    }
    expect(renderer.readStats()).toMatchObject({ hits: 0, misses: 6 });
  });

  it('fills a shared shell with each reader’s own name and links', async () => {
    const renderer = createEmailRenderer();
    const first = await renderer.renderDigestEmail({
      reader: freeReader,
      content: dailyContent,
      digestId: 1,
      links,
      now,
    });
    const tricky = await renderer.renderDigestEmail({
      reader: trickyReader,
      content: dailyContent,
      digestId: 2,
      links,
      now,
    });
    expect(renderer.readStats()).toMatchObject({ hits: 1, misses: 1 });
    expect(tricky).toEqual(
      await renderDigestEmailDirect({
        reader: trickyReader,
        content: dailyContent,
        digestId: 2,
        links,
        now,
      }),
    );
    expect(tricky.html).toContain(
      'Hi Cy &lt;b&gt;&quot;Bold&quot;&lt;/b&gt; &amp; &#x27;Co&#x27;,',
    );
    expect(tricky.text).toContain(`Hi Cy <b>"Bold"</b> & 'Co',`);
    expect(tricky.unsubscribeUrl).not.toBe(first.unsubscribeUrl);
    for (const url of [first.unsubscribeUrl, first.preferencesUrl]) {
      expect(tricky.html).not.toContain(url);
    }
    expect(tricky.html).not.toContain('Hi Bo,');
  });

  it('renders full and teaser variants of the same content apart', async () => {
    const renderer = createEmailRenderer();
    const full = await renderer.renderDigestEmail({
      reader: subscriber,
      content: dailyContent,
      digestId: 1,
      links,
      now,
    });
    const teaser = await renderer.renderDigestEmail({
      reader: freeReader,
      content: dailyContent,
      digestId: 2,
      links,
      now,
    });
    expect(renderer.readStats()).toMatchObject({ hits: 0, misses: 2 });
    expect(full.html).toContain(`href="${entityList.url}"`);
    expect(teaser.html).not.toContain(`href="${entityList.url}"`);
  });

  it('leaves no placeholder behind', async () => {
    const renderer = createEmailRenderer();
    const email = await renderer.renderDigestEmail({
      reader: trickyReader,
      content: dailyContent,
      digestId: 3,
      links,
      now,
    });
    expect(`${email.html}${email.text}`).not.toMatch(/zq[0-9a-f]{32}s\d+e/);
  });

  it('does not mistake story text for a placeholder', async () => {
    const renderer = createEmailRenderer();
    const content = {
      ...dailyContent,
      groups: [
        {
          title: 'Odd',
          stories: [{ ...freeGuidance, headline: 'zq0123456789abcdef0123456789abcdefs1e' }],
        },
      ],
    };
    const input = { reader: freeReader, content, digestId: 4, links, now };
    const email = await renderer.renderDigestEmail(input);
    expect(email).toEqual(await renderDigestEmailDirect(input));
  });

  it('renders one shell for readers arriving at the same time', async () => {
    const renderer = createEmailRenderer();
    const readers = Array.from({ length: 5 }, (_, i) => ({
      ...freeReader,
      id: 100 + i,
      linkSecret: `secret-${i}`,
      email: `r${i}@example.org`,
    }));
    const emails = await Promise.all(
      readers.map((reader, i) =>
        renderer.renderDigestEmail({ reader, content: dailyContent, digestId: i, links, now }),
      ),
    );
    expect(renderer.readStats()).toMatchObject({ hits: 4, misses: 1, size: 1 });
    expect(new Set(emails.map((email) => email.unsubscribeUrl)).size).toBe(5);
  });

  it('keeps the cache within its bound', async () => {
    const renderer = createEmailRenderer({ cacheSize: 2 });
    const contents = [entityList, chinaRussia, freeGuidance].map((story) => ({
      ...dailyContent,
      groups: [{ title: 'One', stories: [story] }],
    }));
    for (const content of contents) {
      await renderer.renderDigestEmail({ reader: subscriber, content, digestId: 1, links, now });
    }
    expect(renderer.readStats()).toMatchObject({ misses: 3, size: 2 });
    // The oldest entry was evicted: rendering it again is a miss.
    await renderer.renderDigestEmail({
      reader: subscriber,
      content: contents[0]!,
      digestId: 1,
      links,
      now,
    });
    expect(renderer.readStats()).toMatchObject({ hits: 0, misses: 4, size: 2 });
  });

  it('serves campaigns the same way', async () => {
    const renderer = createEmailRenderer();
    for (const reader of [trickyReader, unnamed, subscriber]) {
      const input = { reader, stories: [entityList, freeGuidance], campaignId: 5, links, now };
      expect(await renderer.renderCampaignEmail(input)).toEqual(
        await renderCampaignEmailDirect(input),
      );
    }
  });
});
