import { type Attachment, type ParsedMail, simpleParser } from 'mailparser';
import {
  classifyInbound,
  type InboundMessage,
  type InboundPart,
  type InboundReport,
  unreadableReport,
} from '../../domain/bounces/index.js';
import { htmlToText } from '../../domain/html-text.js';

/*
 * One inbound message (a bounce, a complaint, an auto-reply, anything sent to the bounce
 * address), read with mailparser and handed to the pure classification. Inbound mail is
 * hostile: whatever the bytes, this resolves to a report, never throws. What it reads is
 * bounded: the first INBOUND_MAX_BYTES of the message, at most MAX_PARTS MIME parts (past that
 * only the header is read), and of each part only what the classification needs.
 */

/** The most of one message that is read; the rest is not looked at. */
export const INBOUND_MAX_BYTES = 10 * 1024 * 1024;
/** A bounce has a handful of parts; a message with more than this is not followed past its header. */
export const MAX_PARTS = 256;
/** The most of a message's text that is kept: bounces say what they say in a few kilobytes. */
const TEXT_MAX = 512 * 1024;
/** The most of a delivery-status or feedback-report part that is kept. */
const REPORT_PART_MAX = 256 * 1024;
/** The most of a quoted original's header block that is kept. */
const HEADER_BLOCK_MAX = 64 * 1024;
/** Machine-readable parts kept per message. */
const PARTS_KEPT = 64;

const REPORT_PARTS = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/feedback-report',
]);
const ORIGINAL_PARTS = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

export interface InboundEnvelope {
  /** RCPT TO addresses, when the receiving path knows them (the SMTP listener does). */
  to: string[];
}

/** What one raw message reports: see InboundReport. Never rejects. */
export async function readInboundMessage(
  raw: Buffer,
  envelope?: InboundEnvelope,
): Promise<InboundReport> {
  try {
    if (!Buffer.isBuffer(raw) || raw.length === 0) return unreadableReport('the message is empty');
    const truncated = raw.length > INBOUND_MAX_BYTES;
    const bytes = withoutMboxLine(
      withLineFeeds(truncated ? raw.subarray(0, INBOUND_MAX_BYTES) : raw),
    );
    if (!startsWithHeader(bytes)) return unreadableReport('it does not begin with a header field');
    const cap = truncated
      ? `only the first ${INBOUND_MAX_BYTES / 1024 / 1024} MB of ${raw.length} bytes read`
      : null;
    const message = await parse(bytes, envelope, cap, 0);
    return classifyInbound(message);
  } catch (error) {
    return unreadableReport(error instanceof Error ? error.message : String(error));
  }
}

async function parse(
  bytes: Buffer,
  envelope: InboundEnvelope | undefined,
  unread: string | null,
  depth: number,
): Promise<InboundMessage> {
  try {
    const mail = await simpleParser(bytes, PARSER_OPTIONS);
    const message = inboundOf(mail, envelope, unread);
    if (message.text.trim() === '' && message.parts.length === 0) {
      // A multipart whose boundary never comes (a mangled or redacted bounce) has no parts
      // and no text: its body, read as text, still says what happened.
      return { ...message, text: bodyText(bytes) };
    }
    if (depth === 0) return { ...message, parts: await withWrappedReport(mail, message.parts) };
    return message;
  } catch (error) {
    // Too many parts, a header block past mailsplit's limit, a broken encoding: the message's
    // own header still says who sent it and whether it is an auto-reply.
    const why = error instanceof Error ? error.message : String(error);
    const mail = await simpleParser(headerOnly(bytes), PARSER_OPTIONS);
    return inboundOf(mail, envelope, `body not read (${why})`);
  }
}

const PARSER_OPTIONS = {
  // A DSN's attached original is kept as bytes (its header is read by hand), not parsed: that
  // is where a bounce of a bounce of a bounce would nest.
  ignoreEmbedded: true,
  keepDeliveryStatus: true,
  // Only the text is read: no HTML made of text, no links, no inlined images, no checksums.
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: false as const,
  maxChildNodes: MAX_PARTS,
  maxHeadSize: 256 * 1024,
};

function inboundOf(
  mail: ParsedMail,
  envelope: InboundEnvelope | undefined,
  unread: string | null,
): InboundMessage {
  const contentType = mail.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  const unlabelled = unlabelledText(mail.attachments);
  let text = typeof mail.text === 'string' ? mail.text : '';
  if (unlabelled !== '') text = text === '' ? unlabelled : `${unlabelled}\n${text}`;
  if (text.trim() === '' && typeof mail.html === 'string') {
    text = htmlToText(mail.html.slice(0, TEXT_MAX));
  }
  const date = mail.date instanceof Date && !Number.isNaN(mail.date.getTime()) ? mail.date : null;
  return {
    headers: mail.headerLines.map(
      ({ key, line }) => [key.toLowerCase(), headerValue(line)] as const,
    ),
    subject: mail.subject ?? null,
    from: mail.from?.text || null,
    messageId: mail.messageId ?? null,
    date,
    contentType: (contentType?.value ?? 'text/plain').toLowerCase(),
    reportType: contentType?.params?.['report-type']?.toLowerCase() ?? null,
    text: text.length > TEXT_MAX ? text.slice(0, TEXT_MAX) : text,
    parts: partsOf(mail.attachments),
    envelopeTo: (envelope?.to ?? []).map((a) => a.trim().toLowerCase()).filter((a) => a !== ''),
    unread,
  };
}

/**
 * A gateway (a virus scanner, a list server) may pass a bounce on as the attachment of a
 * message of its own. When the message has no report of its own and an attached message is
 * a multipart/report, that one report's parts are read too: one level, never deeper.
 */
async function withWrappedReport(
  mail: ParsedMail,
  parts: readonly InboundPart[],
): Promise<readonly InboundPart[]> {
  if (parts.some((p) => REPORT_PARTS.has(p.contentType))) return parts;
  for (const attachment of mail.attachments) {
    if (!ORIGINAL_PARTS.has((attachment.contentType ?? '').toLowerCase())) continue;
    const content = Buffer.isBuffer(attachment.content) ? attachment.content : null;
    if (!content || !/^content-type:[ \t]*multipart\/report/im.test(headerBlock(content))) continue;
    const inner = await parse(content.subarray(0, INBOUND_MAX_BYTES), undefined, null, 1);
    return [...parts, ...inner.parts];
  }
  return parts;
}

/**
 * Text parts that mailparser took for attachments because their Content-Type is malformed
 * (`text/plain charset=…`, the `;` missing) and that are not files: a bounce's words.
 */
function unlabelledText(attachments: readonly Attachment[]): string {
  return attachments
    .filter((a) => /^text\/plain\b/i.test(a.contentType ?? '') && !a.filename)
    .map((a) =>
      Buffer.isBuffer(a.content) ? a.content.subarray(0, TEXT_MAX).toString('utf8') : '',
    )
    .join('\n');
}

function partsOf(attachments: readonly Attachment[]): InboundPart[] {
  const parts: InboundPart[] = [];
  for (const attachment of attachments) {
    if (parts.length >= PARTS_KEPT) break;
    const contentType = (attachment.contentType ?? '').toLowerCase();
    const content = Buffer.isBuffer(attachment.content) ? attachment.content : Buffer.alloc(0);
    if (REPORT_PARTS.has(contentType)) {
      parts.push({ contentType, text: content.subarray(0, REPORT_PART_MAX).toString('utf8') });
    } else if (ORIGINAL_PARTS.has(contentType)) {
      parts.push({ contentType, text: headerBlock(content) });
    }
  }
  return parts;
}

/** A header line's value, unfolded: `Subject: a\r\n b` is `a b`. */
function headerValue(line: string): string {
  const colon = line.indexOf(':');
  return (colon < 0 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** The header block at the start of a part: the original's header is what a bounce quotes it for. */
function headerBlock(content: Buffer): string {
  const head = content.subarray(0, HEADER_BLOCK_MAX).toString('utf8');
  const end = head.search(/\r?\n\r?\n/);
  return end < 0 ? head : head.slice(0, end);
}

/** The bytes after the header block, as text. */
function bodyText(bytes: Buffer): string {
  let start = bytes.indexOf('\r\n\r\n');
  start = start < 0 ? bytes.indexOf('\n\n') : start;
  if (start < 0) return '';
  return bytes
    .subarray(start, start + TEXT_MAX)
    .toString('utf8')
    .replace(/\r\n/g, '\n');
}

function headerOnly(bytes: Buffer): Buffer {
  const head = bytes.subarray(0, 256 * 1024);
  let end = head.indexOf('\r\n\r\n');
  if (end < 0) end = head.indexOf('\n\n');
  return Buffer.concat([end < 0 ? head : head.subarray(0, end), Buffer.from('\r\n\r\n')]);
}

/** Old Mac files end lines with CR alone; mailparser reads LF or CRLF. */
function withLineFeeds(bytes: Buffer): Buffer {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0x0a) || !head.includes(0x0d)) return bytes;
  const copy = Buffer.from(bytes);
  for (let i = 0; i < copy.length; i++) if (copy[i] === 0x0d) copy[i] = 0x0a;
  return copy;
}

/** A message saved from an mbox may begin with its `From ` separator line. */
function withoutMboxLine(bytes: Buffer): Buffer {
  if (bytes.subarray(0, 5).toString('latin1') !== 'From ') return bytes;
  const eol = bytes.indexOf(0x0a);
  return eol < 0 ? bytes : bytes.subarray(eol + 1);
}

function startsWithHeader(bytes: Buffer): boolean {
  const first = bytes.subarray(0, 1024).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  // A field name as mail systems write them (RFC 5322 allows more, no MTA uses it).
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,75}[ \t]*:/.test(first);
}
