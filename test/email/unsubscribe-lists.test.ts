import { describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/domain/signed-token.js';
import { createEmailRenderer } from '../../src/email/email-renderer.js';
import {
  alertContent,
  dailyContent,
  entityList,
  freeReader,
  links,
  now,
  subscriber,
} from './email-render.fixtures.js';

/** The list an email's one-click link takes the reader off: the list the email belongs to. */
describe('unsubscribe links name their email’s list', () => {
  /** Verified with the secret of whichever of the two readers the link was signed for. */
  const listOf = (url: string) => {
    const token = url.split('/u/')[1] ?? '';
    const verified = [subscriber, freeReader]
      .map((reader) => verifyToken(links.secretKey, token, reader.linkSecret, now))
      .find((result) => result.ok) ?? { ok: false as const };
    return verified.ok && verified.payload.kind === 'unsubscribe' ? verified.payload.list : null;
  };

  it('the cadence for digests and alerts, marketing for a campaign, through the cached renderer', async () => {
    const renderer = createEmailRenderer();
    const base = { reader: subscriber, digestId: 7, links, now };
    const weekly = { ...dailyContent, cadence: 'weekly' as const };
    expect(
      listOf((await renderer.renderDigestEmail({ ...base, content: dailyContent })).unsubscribeUrl),
    ).toBe('daily');
    expect(
      listOf((await renderer.renderDigestEmail({ ...base, content: weekly })).unsubscribeUrl),
    ).toBe('weekly');
    expect(
      listOf((await renderer.renderDigestEmail({ ...base, content: alertContent })).unsubscribeUrl),
    ).toBe('instant');
    const invitation = await renderer.renderCampaignEmail({
      reader: freeReader,
      stories: [entityList],
      campaignId: 3,
      links,
      now,
    });
    expect(listOf(invitation.unsubscribeUrl)).toBe('marketing');
    expect(invitation.html).toContain(invitation.unsubscribeUrl);
  });
});
