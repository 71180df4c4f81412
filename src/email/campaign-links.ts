import { signToken } from '../domain/signed-token.js';
import type { EmailReader, LinkSettings } from './email-content.js';
import { createReaderLinks, type ReaderLinks } from './email-links.js';

const DAY_MS = 86_400_000;
/** As long as any unsubscribe link: one in an old invitation must keep working. */
const UNSUBSCRIBE_TTL_DAYS = 365;

/**
 * A prospect's links in a campaign's invitation: trial links credited to the campaign, and an
 * unsubscribe link that takes them off marketing only (RFC 8058: the list the email came
 * from), leaving any alerts they follow alone.
 */
export function createCampaignLinks(
  reader: EmailReader,
  campaignId: number,
  links: LinkSettings,
  now: Date,
): ReaderLinks {
  const readerLinks = createReaderLinks(reader, { campaign: campaignId }, links, now);
  const base = links.publicBaseUrl.replace(/\/+$/, '');
  const ttlDays = Math.max(links.tokenTtlDays ?? 0, UNSUBSCRIBE_TTL_DAYS);
  const token = signToken(
    links.secretKey,
    { kind: 'unsubscribe', reader: reader.email, list: 'marketing' },
    new Date(now.getTime() + ttlDays * DAY_MS),
  );
  return {
    unsubscribeUrl: `${base}/u/${token}`,
    preferencesUrl: readerLinks.preferencesUrl,
    trialUrl: (storyId) => readerLinks.trialUrl(storyId),
  };
}
