import { readVerpTag } from '../bounce-tag.js';
import { addressesIn, addressIn, field, headerBlockOf, parseFields } from './header-block.js';
import { judgeFailure, ruleFor } from './judge.js';
import { bestStatus, oneLine } from './status.js';
import { beforeOriginal, permanence, quotedOriginal } from './text-region.js';
import type { Finding, InboundMessage, RecipientReport } from './types.js';

/*
 * Bounces without a delivery-status part: the words of qmail, Exim, Exchange, Gmail, Yahoo,
 * old Postfix and Sendmail and their kin. Each names the failed address on a line of its own
 * (`<ann@example.com>:`, `  ann@example.com`, `ann@example.com on <date>`, `"ann@…":`) or in
 * a sentence ("Your message to ann@… couldn't be delivered"), followed by the server's words.
 */

/**
 * The recipients a non-standard bounce names, each with its diagnostic; `format` is the writer
 * recognised, or 'other-bounce'. Null when no failed address can be found (then the message
 * is not read as a bounce at all).
 */
export function readTextBounce(message: InboundMessage, format: string): Finding | null {
  const region = beforeOriginal(message.text);
  const ours = ourAddresses(message);
  const blocks = [...sendmailLines(region, ours)];
  for (const block of addressBlocks(region, ours)) {
    if (!blocks.some((b) => b.address === block.address)) blocks.push(block);
  }
  const failed = (field(message.headers, 'x-failed-recipients') ?? '')
    .split(',')
    .map(addressIn)
    .filter((a): a is string => a !== null && !ours.has(a));
  for (const address of failed) {
    if (!blocks.some((b) => b.address === address)) blocks.push({ address, words: '' });
  }
  if (blocks.length === 0) {
    const named = namedInSentence(region, ours) ?? quotedRecipient(message);
    if (named && !ours.has(named)) blocks.push({ address: named, words: '' });
  }
  if (blocks.length === 0) return null;
  const permanent = permanence(`${message.subject ?? ''}\n${region}`);
  const salient = salientLines(region);
  const recipients: RecipientReport[] = [];
  const whys: string[] = [];
  for (const block of blocks) {
    // A recipient listed without words of its own, or without a code among them (Gmail and
    // 1&1 put the server's reply a paragraph further down), is read with the bounce's words.
    const alone = blocks.length === 1 && bestStatus(null, block.words) === null;
    const own = block.words.trim() !== '' && !alone;
    const words = own ? block.words : [block.words, salient].filter(Boolean).join(' ');
    const status = bestStatus(null, words);
    const report: RecipientReport = {
      kind: 'ignored',
      recipient: block.address,
      status,
      diagnostic: oneLine(words),
      action: permanent === false ? 'delayed' : 'failed',
    };
    if (permanent === false && !status?.startsWith('5')) {
      whys.push('delayed: the server is still trying');
    } else {
      const verdict = judgeFailure(
        status,
        own ? block.words : `${block.words}\n${region}`,
        permanent,
      );
      report.kind = verdict.kind;
      whys.push(verdict.why);
    }
    recipients.push(report);
  }
  const first = recipients[0] as RecipientReport;
  const more = recipients.length > 1 ? `; ${recipients.length - 1} more recipient(s)` : '';
  const what = first.action === 'delayed' ? 'a delay notice' : 'failed';
  return {
    format,
    reason: `${format} bounce: ${what}, status ${first.status ?? 'none'} (${whys[0]})${more}`,
    recipients,
    quotedMessageIds: quotedMessageIdsOf(message.text),
  };
}

interface Block {
  address: string;
  words: string;
}

const LOCAL = String.raw`(?:"[^"\r\n]{1,64}"|[^\s<>@"()[\],;:]{1,128})`;
const DOMAIN = String.raw`[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\.[a-z]{2,63}`;
/** A line that starts with an address: `<a@b>:`, `"a@b":`, `a@b on <date>`, `Recipient address: a@b`. */
const ADDRESS_LINE = new RegExp(
  String.raw`^[ \t]*(?:(?:RCPT(?: TO)?|Recipient(?: address)?|Original-Rcpt-To|Failed recipient)\s*:\s*)?["<]?(${LOCAL}@${DOMAIN})[">]?(?:<mailto:[^>]*>)?(?:\s+on\s.*|\s*\([^)]*\))?[ \t]*:?(.*)$`,
  'i',
);

/** Sendmail's transcript lines: `550 <ann@example.com>... User unknown`, one per recipient. */
function sendmailLines(region: string, ours: ReadonlySet<string>): Block[] {
  const blocks: Block[] = [];
  const pattern = new RegExp(
    String.raw`^[ \t>]*([245]\d\d)[ -]<?(${LOCAL}@${DOMAIN})>?\.{3}\s*(.*)$`,
    'gim',
  );
  for (const match of region.matchAll(pattern)) {
    const address = (match[2] as string).toLowerCase();
    if (ours.has(address) || blocks.some((b) => b.address === address)) continue;
    blocks.push({ address, words: `${match[1]} ${match[3] ?? ''}`.trim() });
    if (blocks.length >= 100) break;
  }
  return blocks;
}

/** Addresses leading their lines, with the lines after them (up to a blank line or the next address). */
function addressBlocks(region: string, ours: ReadonlySet<string>): Block[] {
  const blocks: Block[] = [];
  const lines = region.split('\n');
  for (let i = 0; i < lines.length && blocks.length < 100; i++) {
    const line = lines[i] as string;
    if (!line.includes('@')) continue;
    const match = ADDRESS_LINE.exec(line);
    if (!match) continue;
    const address = (match[1] as string).toLowerCase();
    if (ours.has(address)) continue;
    const rest = (match[2] ?? '').trim();
    const following: string[] = rest ? [rest] : [];
    for (let j = i + 1; j < lines.length && j <= i + 12; j++) {
      const next = lines[j] as string;
      if (next.trim() === '') {
        if (following.length === 0) continue;
        break;
      }
      if (next.includes('@') && ADDRESS_LINE.test(next) && following.length > 0) break;
      following.push(next.trim());
    }
    const words = following.join(' ').slice(0, 2000);
    const existing = blocks.find((b) => b.address === address);
    if (existing) {
      if (existing.words === '') existing.words = words;
    } else {
      blocks.push({ address, words });
    }
  }
  return blocks;
}

const IN_SENTENCE = [
  /wasn'?t delivered to\s+<?([^\s<>]+@[^\s<>]+?)>?\s+because/i,
  /Your message to\s+<?([^\s<>]+@[^\s<>]+?)>?\s+couldn'?t be delivered/i,
  /(?:could not be delivered|delivery failed|unable to deliver(?: your message)?|failed to deliver|undeliverable|error delivering your mail|did not reach the following recipient(?:\(s\))?)\s*(?:to\s*)?:?\s*<?([^\s<>]+@[^\s<>]+)/i,
  /(?:recipient|address|user)\s*:?\s+<([^\s<>]+@[^\s<>]+)>/i,
];

/** An address named in a sentence, or on a line whose other words are a server's failure words. */
function namedInSentence(region: string, ours: ReadonlySet<string>): string | null {
  for (const pattern of IN_SENTENCE) {
    const address = addressIn(pattern.exec(region)?.[1]);
    if (address && !ours.has(address)) return address;
  }
  for (const line of region.split('\n')) {
    if (!line.includes('@') || /^\s*[a-z-]+:\s*\S+@/i.test(line)) continue;
    const address = addressIn(line);
    if (address && !ours.has(address) && ruleFor(line.replace(address, ''))) return address;
  }
  return null;
}

/** The To of the original, when the bounce quotes it (as a part or below its own words). */
function quotedRecipient(message: InboundMessage): string | null {
  for (const part of message.parts) {
    if (part.contentType.startsWith('message/') || part.contentType === 'text/rfc822-headers') {
      const to = addressesIn(field(parseFields(headerBlockOf(part.text)), 'to') ?? '');
      if (to.length === 1) return to[0] as string;
    }
  }
  const quoted = quotedOriginal(message.text);
  if (!quoted) return null;
  const header = /^To:[ \t]*(.*(?:\n[ \t]+.*)*)/im.exec(quoted.slice(0, 16 * 1024));
  const to = addressesIn(header?.[1] ?? '');
  return to.length === 1 ? (to[0] as string) : null;
}

const SALIENT =
  /\b[245]\d\d\b|\b[245]\.\d{1,3}\.\d{1,3}\b|said:|returned|error|reason|failed|unknown|not found|exist|full|quota|rejected|refused|denied|blocked/i;

/** The bounce's lines that carry a code or the server's words, for a recipient listed alone. */
function salientLines(region: string): string {
  const lines = region
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => SALIENT.test(l));
  return lines.join(' ').slice(0, 2000);
}

/**
 * Addresses that are not the failed recipient: the envelope's, any with our VERP tag, and the
 * bounce's own sender. (Not its To: a reader who mails from the address we write to is rare,
 * and a bounce of that is still a bounce.)
 */
function ourAddresses(message: InboundMessage): Set<string> {
  const ours = new Set<string>(message.envelopeTo.map((a) => a.toLowerCase()));
  for (const name of ['to', 'delivered-to', 'x-original-to', 'envelope-to']) {
    for (const address of addressesIn(field(message.headers, name) ?? '')) {
      if (readVerpTag(address)) ours.add(address);
    }
  }
  for (const address of addressesIn(message.from ?? '')) ours.add(address);
  return ours;
}

/** Message-IDs quoted in the copy of the original below a bounce's words. */
function quotedMessageIdsOf(text: string): string[] {
  const quoted = quotedOriginal(text);
  if (!quoted) return [];
  const ids: string[] = [];
  for (const match of quoted.slice(0, 64 * 1024).matchAll(/^Message-ID:[ \t]*(<[^<>\s]+>)/gim)) {
    ids.push(match[1] as string);
  }
  return ids;
}
