import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInboundMessage } from '../../../src/adapters/mail-in/read-inbound-message.js';
import { verifyBounceTag } from '../../../src/domain/bounce-tag.js';
import type { ReportKind } from '../../../src/domain/bounces/index.js';

/*
 * Each fixture is written by us, after the structure, headers and wording of the real bounces
 * of its MTA or provider, with fictional addresses. Their tags were signed with FIXTURE_SECRET
 * for the recipient named, so the table can say which delivery each one names.
 */
const FIXTURE_SECRET = 'fixture-secret-not-for-production';
const dir = join(import.meta.dirname, '../../fixtures/bounces');

interface Expected {
  format: string;
  recipients: [ReportKind, string | null, string | null][];
  /** Deliveries whose VERP tag (first) and Message-ID tag (second) verify for the recipient. */
  verp: number | null;
  messageId: number | null;
}

const TABLE: Record<string, Expected> = {
  'dsn-postfix-user-unknown.eml': {
    format: 'dsn',
    recipients: [['hard', 'ann@example.com', '5.1.1']],
    verp: 4201,
    messageId: 4201,
  },
  'dsn-exchange-mailbox-full.eml': {
    format: 'dsn',
    recipients: [['soft', 'bob@example.net', '5.2.2']],
    verp: 4202,
    messageId: 4202,
  },
  'dsn-policy-block.eml': {
    format: 'dsn',
    recipients: [['soft', 'carol@example.org', '5.7.1']],
    verp: 4203,
    messageId: 4203,
  },
  'dsn-delayed.eml': {
    format: 'dsn',
    recipients: [['ignored', 'dave@example.com', '4.4.1']],
    verp: 4204,
    messageId: 4204,
  },
  'dsn-delivered.eml': {
    format: 'dsn',
    recipients: [['ignored', 'erin@example.net', '2.0.0']],
    verp: 4205,
    messageId: 4205,
  },
  'dsn-two-recipients.eml': {
    format: 'dsn',
    recipients: [
      ['hard', 'frank@example.org', '5.1.1'],
      ['soft', 'grace@example.com', '4.2.2'],
    ],
    verp: null,
    messageId: 4206,
  },
  'arf-abuse.eml': {
    format: 'arf',
    recipients: [['complaint', 'heidi@example.net', null]],
    verp: 4208,
    messageId: 4208,
  },
  'arf-redacted.eml': {
    format: 'arf',
    recipients: [['complaint', null, null]],
    verp: 4210,
    messageId: 4210,
  },
  'ses-bounce.eml': {
    format: 'ses-notification',
    recipients: [['hard', 'ivan@example.org', '5.1.1']],
    verp: 4209,
    messageId: 4209,
  },
  'ses-complaint.eml': {
    format: 'ses-notification',
    recipients: [['complaint', 'mallory@example.net', null]],
    verp: 4211,
    messageId: 4211,
  },
  'qmail.eml': {
    format: 'qmail',
    recipients: [['hard', 'niaj@example.org', '5.1.1']],
    verp: 4212,
    messageId: 4212,
  },
  'exim.eml': {
    format: 'exim',
    recipients: [['hard', 'olivia@example.com', '5.1.1']],
    verp: 4213,
    messageId: 4213,
  },
  'exchange-2003.eml': {
    format: 'exchange',
    recipients: [['hard', 'peggy@example.net', '5.1.1']],
    verp: 4214,
    messageId: 4214,
  },
  'gmail.eml': {
    format: 'gmail',
    recipients: [['hard', 'rupert@example.org', '5.1.1']],
    verp: 4215,
    messageId: 4215,
  },
  'office365.eml': {
    format: 'office365',
    recipients: [['hard', 'sybil@example.com', '5.1.10']],
    verp: 4216,
    messageId: 4216,
  },
  // "mailbox not found or over quota": when the words allow both, the softer reading wins.
  'yahoo.eml': {
    format: 'yahoo',
    recipients: [['soft', 'trent@example.net', '552']],
    verp: 4217,
    messageId: 4217,
  },
  'postfix-text.eml': {
    format: 'postfix',
    recipients: [['hard', 'victor@example.org', '5.1.1']],
    verp: 4218,
    messageId: 4218,
  },
  'auto-reply-out-of-office.eml': {
    format: 'auto-reply',
    recipients: [['ignored', null, null]],
    verp: null,
    messageId: 4219,
  },
  'vacation-x-autoreply.eml': {
    format: 'auto-reply',
    recipients: [['ignored', null, null]],
    verp: null,
    messageId: null,
  },
  'reply.eml': {
    format: 'reply',
    recipients: [['ignored', null, null]],
    verp: null,
    messageId: 4220,
  },
  'unsubscribe-request.eml': {
    format: 'unsubscribe-request',
    recipients: [['unsubscribe', 'yvonne@example.net', null]],
    verp: null,
    messageId: null,
  },
};

/** The delivery ids and recipients the fixtures' tags were signed for. */
const SIGNED_FOR: Record<number, string> = {
  4201: 'ann@example.com',
  4202: 'bob@example.net',
  4203: 'carol@example.org',
  4204: 'dave@example.com',
  4205: 'erin@example.net',
  4206: 'frank@example.org',
  4208: 'heidi@example.net',
  4209: 'ivan@example.org',
  4210: 'judy@example.com',
  4211: 'mallory@example.net',
  4212: 'niaj@example.org',
  4213: 'olivia@example.com',
  4214: 'peggy@example.net',
  4215: 'rupert@example.org',
  4216: 'sybil@example.com',
  4217: 'trent@example.net',
  4218: 'victor@example.org',
  4219: 'walter@example.com',
  4220: 'yvonne@example.net',
};

function fixture(name: string): Buffer {
  return readFileSync(join(dir, name));
}

describe('readInboundMessage on the fixtures', () => {
  it.each(Object.entries(TABLE))('%s', async (name, expected) => {
    const report = await readInboundMessage(fixture(name));
    expect(report.format, report.reason).toBe(expected.format);
    expect(report.recipients.map((r) => [r.kind, r.recipient, r.status])).toEqual(
      expected.recipients,
    );
    expect(report.reason).not.toBe('');
    const verp = report.verpTags[0];
    if (expected.verp === null) {
      expect(report.verpTags).toEqual([]);
    } else {
      expect(verp?.deliveryId).toBe(expected.verp);
      expect(verifyBounceTag([FIXTURE_SECRET], verp!, SIGNED_FOR[expected.verp]!)).toBe(true);
    }
    const byId = report.messageIdTags[0];
    if (expected.messageId === null) {
      expect(report.messageIdTags).toEqual([]);
    } else {
      expect(byId?.deliveryId).toBe(expected.messageId);
      expect(verifyBounceTag([FIXTURE_SECRET], byId!, SIGNED_FOR[expected.messageId]!)).toBe(true);
    }
  });

  it('keeps what a recorder shows: the message own subject, sender, Message-ID and date', async () => {
    const report = await readInboundMessage(fixture('dsn-postfix-user-unknown.eml'));
    expect(report.subject).toBe('Undelivered Mail Returned to Sender');
    expect(report.from).toContain('MAILER-DAEMON@mx.example.com');
    expect(report.messageId).toBe('<20261201070211.4F2B81C0A3@mx.example.com>');
    expect(report.date?.toISOString()).toBe('2026-12-01T07:02:11.000Z');
    expect(report.recipients[0]?.diagnostic).toBe(
      '550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    );
    expect(report.recipients[0]?.action).toBe('failed');
    expect(report.reason).toBe('DSN: Action failed, Status 5.1.1 (user unknown)');
  });

  it('reads a forgery as what it claims, and its tags as what they are: unsigned', async () => {
    // The reader does not police; the recorder checks every tag and finds these name nobody.
    const report = await readInboundMessage(fixture('forged-dsn.eml'));
    expect(report.recipients.map((r) => r.kind)).toEqual(['hard']);
    expect(report.verpTags).toEqual([{ deliveryId: 4201, signature: 'aaaaaaaaaaaaaaaa' }]);
    expect(report.messageIdTags).toEqual([{ deliveryId: 4201, signature: 'bbbbbbbbbbbbbbbb' }]);
    for (const tag of [...report.verpTags, ...report.messageIdTags]) {
      expect(verifyBounceTag([FIXTURE_SECRET], tag, 'ann@example.com')).toBe(false);
    }
  });

  it('takes the envelope recipients first for VERP tags', async () => {
    const report = await readInboundMessage(fixture('dsn-two-recipients.eml'), {
      to: ['Bounces+d4207-ghle66laycbjbgyb@bounce.brief.example'],
    });
    expect(report.verpTags[0]).toEqual({ deliveryId: 4207, signature: 'ghle66laycbjbgyb' });
    expect(verifyBounceTag([FIXTURE_SECRET], report.verpTags[0]!, 'grace@example.com')).toBe(true);
  });
});
