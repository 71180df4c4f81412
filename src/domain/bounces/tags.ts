import { type BounceTag, readMessageIdTag, readMessageIdTags, readVerpTag } from '../bounce-tag.js';
import {
  addressesIn,
  field,
  fieldAll,
  headerBlockOf,
  messageIdsIn,
  parseFields,
} from './header-block.js';
import { beforeOriginal, quotedOriginal } from './text-region.js';
import type { Finding, InboundMessage } from './types.js';

/*
 * The tags that may name one of our deliveries. Only read here, never trusted: the recorder
 * checks each one's signature against the delivery's recipient, so a tag a forger wrote, or
 * one quoted from another reader's message, names nobody. The order is how much each source
 * is worth, best first.
 */

const ADDRESSED_TO = ['delivered-to', 'x-original-to', 'envelope-to', 'to'];
const ORIGINALS = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

/**
 * VERP tags in the addresses the message was sent to: the envelope first (what the receiving
 * server was told), then the headers a delivery agent writes, then To; last the Return-Path of
 * a quoted original (an ARF report quotes the message it is about, envelope sender and all).
 */
export function verpTagsOf(message: InboundMessage, finding: Finding | null): BounceTag[] {
  const addresses: string[] = [...message.envelopeTo];
  for (const name of ADDRESSED_TO) {
    for (const value of fieldAll(message.headers, name)) addresses.push(...addressesIn(value));
  }
  for (const part of message.parts) {
    if (!ORIGINALS.has(part.contentType)) continue;
    addresses.push(
      ...addressesIn(field(parseFields(headerBlockOf(part.text)), 'return-path') ?? ''),
    );
  }
  addresses.push(...(finding?.quotedSenders ?? []));
  return unique(addresses.map(readVerpTag));
}

/**
 * Message-ID tags in what the message quotes: the attached original's Message-ID (a DSN's or
 * an ARF report's message/rfc822 or headers part), a notification's quoted ids, In-Reply-To
 * and References, then any Message-ID in the text of a bounce that quotes the original inline.
 */
export function messageIdTagsOf(message: InboundMessage, finding: Finding | null): BounceTag[] {
  const tags: (BounceTag | null)[] = [];
  for (const part of message.parts) {
    if (!ORIGINALS.has(part.contentType)) continue;
    const header = parseFields(headerBlockOf(part.text));
    for (const id of fieldAll(header, 'message-id')) tags.push(readMessageIdTag(id));
  }
  for (const id of finding?.quotedMessageIds ?? []) tags.push(readMessageIdTag(id));
  for (const name of ['in-reply-to', 'references']) {
    for (const value of fieldAll(message.headers, name)) {
      for (const id of messageIdsIn(value)) tags.push(readMessageIdTag(id));
    }
  }
  // The text of a bounce without parts: its words (some quote the Message-ID there) and the
  // copy of the original below them.
  const text = message.text;
  tags.push(...readMessageIdTags(beforeOriginal(text)));
  const quoted = quotedOriginal(text);
  if (quoted) tags.push(...readMessageIdTags(quoted.slice(0, 256 * 1024)));
  return unique(tags);
}

function unique(tags: readonly (BounceTag | null)[]): BounceTag[] {
  const seen = new Set<string>();
  const out: BounceTag[] = [];
  for (const tag of tags) {
    if (!tag) continue;
    const key = `${tag.deliveryId}.${tag.signature}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}
