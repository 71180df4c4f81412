import { describe, expect, it } from 'vitest';
import type { RenderedEmail } from '../../src/email/email-content.js';
import {
  renderCampaignEmailDirect,
  renderDigestEmailDirect,
} from '../../src/email/email-renderer.js';
import {
  alertContent,
  dailyContent,
  entityList,
  freeGuidance,
  freeReader,
  links,
  now,
  subscriber,
} from './email-render.fixtures.js';

const NAME = links.publicationName;

/** The four kinds of email, with the given link settings. */
async function renderAll(settings = links): Promise<Record<string, RenderedEmail>> {
  const digest = { content: dailyContent, digestId: 7, links: settings, now };
  return {
    'full digest': await renderDigestEmailDirect({ ...digest, reader: subscriber }),
    'teaser digest': await renderDigestEmailDirect({ ...digest, reader: freeReader }),
    alert: await renderDigestEmailDirect({ ...digest, content: alertContent, reader: subscriber }),
    invitation: await renderCampaignEmailDirect({
      reader: freeReader,
      stories: [entityList, freeGuidance],
      campaignId: 3,
      links: settings,
      now,
    }),
  };
}

/** The text of each paragraph and heading of the HTML body, in order. */
function blocksOf(html: string): string[] {
  const body = html.slice(html.indexOf('<body'));
  return [...body.matchAll(/<(p|h1|h2|h3)\b[^>]*>([\s\S]*?)<\/\1>/g)].map((m) =>
    m[2]!.replace(/<[^>]+>/g, '').trim(),
  );
}

/** Lines or blocks in a row that both name the publication, or one that names it twice. */
function repeatsOf(blocks: readonly string[]): string[] {
  const names = (text: string) => text.split(NAME).length - 1;
  const found: string[] = [];
  blocks.forEach((block, i) => {
    if (names(block) > 1) found.push(block);
    const next = blocks[i + 1];
    if (next !== undefined && names(block) > 0 && names(next) > 0) found.push(`${block} / ${next}`);
  });
  return found;
}

describe('the footer', () => {
  it('never names the publication twice in a row, in either part', async () => {
    // An address that starts with the publication's name, as many do.
    const settings = { ...links, postalAddress: `${NAME}, 1200 Example Avenue NW` };
    for (const [kind, email] of Object.entries(await renderAll(settings))) {
      expect(repeatsOf(blocksOf(email.html)), kind).toEqual([]);
      const lines = email.text.split('\n').filter((line) => line !== '');
      expect(repeatsOf(lines), kind).toEqual([]);
      expect(email.text.trimEnd().split('\n').at(-1), kind).toBe(settings.postalAddress);
      expect(blocksOf(email.html).at(-1), kind).toBe(settings.postalAddress);
    }
  });

  it('names the publication before an address that does not', async () => {
    for (const [kind, email] of Object.entries(await renderAll())) {
      const sender = `${NAME} · ${links.postalAddress}`;
      expect(email.text.trimEnd().split('\n').at(-1), kind).toBe(sender);
      expect(blocksOf(email.html).at(-1), kind).toBe(sender);
    }
  });

  it('has exactly one divider above it', async () => {
    for (const [kind, email] of Object.entries(await renderAll())) {
      // Story cards draw a rule between them, never below the last; the footer draws its own.
      const hr = email.html.indexOf('<hr');
      expect(hr, kind).toBeGreaterThan(0);
      expect(email.html.indexOf('<hr', hr + 1), kind).toBe(-1);
      expect(email.html, kind).not.toContain('border-bottom:1px');
      const afterLastCard = email.html.indexOf('>', email.html.lastIndexOf('padding:16px 0 4px'));
      expect(email.html.slice(afterLastCard, hr), kind).not.toMatch(/border-(top|bottom)/);
      // The text part: one rule line directly above the footer's first line.
      const lines = email.text.split('\n');
      const reason = lines.findIndex((line) => line.startsWith('You get this because'));
      const footerStart = lines[reason - 1]?.startsWith('This is a promotional')
        ? reason - 1
        : reason;
      expect(lines[footerStart - 1], kind).toMatch(/^-{40}$/);
      expect(lines[footerStart - 2], kind).not.toMatch(/^-+$/);
    }
  });

  it('draws a rule between stories of one list, not above the first', async () => {
    const email = await renderDigestEmailDirect({
      content: {
        ...dailyContent,
        groups: [{ title: 'Export controls', stories: [entityList, freeGuidance] }],
      },
      reader: subscriber,
      digestId: 1,
      links,
      now,
    });
    const cards = [...email.html.matchAll(/style="padding:16px 0 4px([^"]*)"/g)].map((m) => m[1]);
    expect(cards).toEqual(['', ';border-top:1px solid #e3e6eb']);
  });
});
