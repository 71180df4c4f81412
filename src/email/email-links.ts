import {
  signToken,
  type TokenPayload,
  type TrialSource,
  type UnsubscribeList,
} from '../domain/signed-token.js';
import type { EmailReader, LinkSettings } from './email-content.js';

const DAY_MS = 86_400_000;
const DEFAULT_TTL_DAYS = 90;
/** An unsubscribe link in an old email must keep working: it lives at least a year. */
const MIN_UNSUBSCRIBE_TTL_DAYS = 365;

/** A reader's personal links for one email. */
export interface ReaderLinks {
  unsubscribeUrl: string;
  preferencesUrl: string;
  trialUrl(storyId: string): string;
}

/**
 * Signs a reader's links: `/u/<token>`, `/p/<token>` and `/t/<token>` under the public base
 * URL, each naming the reader by id and signed with their own secret too. The unsubscribe link names `list`, the list the email belongs to (its cadence, or
 * marketing): one click takes the reader off that list only. Trial links are signed on first
 * use per story and remembered, so a story listed twice gets one link.
 */
export function createReaderLinks(
  reader: EmailReader,
  source: TrialSource,
  links: LinkSettings,
  now: Date,
  list: UnsubscribeList,
): ReaderLinks {
  const base = links.publicBaseUrl.replace(/\/+$/, '');
  const ttlDays = links.tokenTtlDays ?? DEFAULT_TTL_DAYS;
  const expiresAt = new Date(now.getTime() + ttlDays * DAY_MS);
  const unsubscribeExpiresAt = new Date(
    now.getTime() + Math.max(ttlDays, MIN_UNSUBSCRIBE_TTL_DAYS) * DAY_MS,
  );
  const trialUrls = new Map<string, string>();
  const sign = (payload: TokenPayload, until: Date) =>
    signToken(links.secretKey, payload, reader.linkSecret, until);
  return {
    unsubscribeUrl: `${base}/u/${sign({ kind: 'unsubscribe', reader: reader.id, list }, unsubscribeExpiresAt)}`,
    preferencesUrl: `${base}/p/${sign({ kind: 'preferences', reader: reader.id }, expiresAt)}`,
    trialUrl(storyId: string): string {
      let url = trialUrls.get(storyId);
      if (url === undefined) {
        const token = sign({ kind: 'trial', reader: reader.id, story: storyId, source }, expiresAt);
        url = `${base}/t/${token}`;
        trialUrls.set(storyId, url);
      }
      return url;
    },
  };
}
