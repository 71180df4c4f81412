import type { Db } from '../../../db/connection.js';
import { findDeliveryById } from '../../../db/repositories/delivery.repository.js';
import {
  type BounceTag,
  readMessageIdTag,
  readVerpTag,
  verifyBounceTag,
} from '../../domain/bounce-tag.js';
import type { Delivery } from '../../domain/delivery.js';
import { normalizeEmail } from '../../domain/reader.js';

/*
 * Which delivery of ours a report is about, if any. Inbound mail is hostile: a tag counts only
 * when its signature verifies for the delivery it names AND the delivery's recipient, and the
 * address the report is about is that recipient. So a forger who guesses a delivery id names
 * nobody, and the bounce of a copy a reader forwarded (it quotes our Message-ID, but another
 * address failed) suppresses neither of them.
 */

/** A message may quote any number of Message-IDs; a few are worth looking up, not thousands. */
const TAGS_TRIED = 16;

/** The tags a report carries, best first: VERP (the envelope), then Message-ID tags, once each. */
export function tagsToTry(verpTags: readonly BounceTag[], messageIdTags: readonly BounceTag[]) {
  const seen = new Set<string>();
  const tags: BounceTag[] = [];
  for (const tag of [...verpTags, ...messageIdTags]) {
    const key = `${tag.deliveryId}.${tag.signature}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
    if (tags.length >= TAGS_TRIED) break;
  }
  return tags;
}

/**
 * The tags of a provider event: raw tags from its metadata (`d42-…`, as in X-Bulletin-Tag),
 * then the Message-IDs it names.
 */
export function providerTags(tags: readonly string[], messageIds: readonly string[]): BounceTag[] {
  // readVerpTag reads what follows the `+` of an address: the raw tag, given one.
  const raw = tags.map((tag) => readVerpTag(`+${tag.trim()}`));
  const quoted = messageIds.map((id) => readMessageIdTag(id));
  return tagsToTry(
    raw.filter((t): t is BounceTag => t !== null),
    quoted.filter((t): t is BounceTag => t !== null),
  );
}

export interface ReportToMatch {
  kind: 'hard' | 'soft' | 'complaint' | 'unsubscribe';
  /** The address the report is about; null when it names none. */
  recipient: string | null;
}

/**
 * The delivery a report is about, or null (unmatched). A report that names no address counts
 * only for a complaint or an opt-out: feedback loops redact the reader's address, and the
 * signed tag of the message complained about is bound to it. A bounce always names the
 * address that failed, and must name the delivery's.
 */
export async function matchDelivery(
  db: Db,
  keys: readonly Buffer[],
  report: ReportToMatch,
  tags: readonly BounceTag[],
  known: Map<number, Delivery | null> = new Map(),
): Promise<Delivery | null> {
  const reported = report.recipient === null ? null : normalizeEmail(report.recipient);
  if (reported === null && report.kind !== 'complaint' && report.kind !== 'unsubscribe') {
    return null;
  }
  for (const tag of tags) {
    let delivery = known.get(tag.deliveryId);
    if (delivery === undefined) {
      delivery = (await findDeliveryById(db, tag.deliveryId)) ?? null;
      known.set(tag.deliveryId, delivery);
    }
    if (!delivery) continue;
    const recipient = normalizeEmail(delivery.recipient);
    if (!verifyBounceTag(keys, tag, recipient)) continue;
    if (reported === null || reported === recipient) return delivery;
  }
  return null;
}
