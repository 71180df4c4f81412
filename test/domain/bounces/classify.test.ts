import { describe, expect, it } from 'vitest';
import { signBounceTag, signedMessageIdLocal } from '../../../src/domain/bounce-tag.js';
import {
  classifyInbound,
  type InboundMessage,
  type InboundPart,
} from '../../../src/domain/bounces/index.js';

function message(
  overrides: Partial<InboundMessage> & { header?: Record<string, string> },
): InboundMessage {
  const { header = {}, ...rest } = overrides;
  return {
    headers: Object.entries(header).map(([k, v]) => [k.toLowerCase(), v] as const),
    subject: null,
    from: null,
    messageId: null,
    date: null,
    contentType: 'text/plain',
    reportType: null,
    text: '',
    parts: [],
    envelopeTo: [],
    unread: null,
    ...rest,
  };
}

const dsn = (fields: string, text = ''): InboundMessage =>
  message({
    contentType: 'multipart/report',
    reportType: 'delivery-status',
    from: 'MAILER-DAEMON@mx.example.com',
    text,
    parts: [
      {
        contentType: 'message/delivery-status',
        text: `Reporting-MTA: dns; mx.example.com\n\n${fields}`,
      },
    ],
  });

const arf = (fields: string, parts: InboundPart[] = []): InboundMessage =>
  message({
    contentType: 'multipart/report',
    reportType: 'feedback-report',
    parts: [{ contentType: 'message/feedback-report', text: fields }, ...parts],
  });

describe('DSN (RFC 3464)', () => {
  it('reads each recipient, the Original-Recipient (what we sent to) before the Final one', () => {
    const report = classifyInbound(
      dsn(
        'Final-Recipient: rfc822; ann.smith@mailhost.example.com\nOriginal-Recipient: rfc822;Ann@Example.com\nAction: failed\nStatus: 5.1.1\n\n' +
          'Final-Recipient: rfc822; bob@example.net\nAction: failed\nStatus: 4.2.2\nDiagnostic-Code: smtp; 452 4.2.2 Over quota',
      ),
    );
    expect(report.format).toBe('dsn');
    expect(report.recipients.map((r) => [r.kind, r.recipient, r.status, r.action])).toEqual([
      ['hard', 'ann@example.com', '5.1.1', 'failed'],
      ['soft', 'bob@example.net', '4.2.2', 'failed'],
    ]);
    expect(report.reason).toBe(
      'DSN: Action failed, Status 5.1.1 (bad address); 1 more recipient(s)',
    );
  });

  it('splits recipients that share one group of fields', () => {
    const report = classifyInbound(
      dsn(
        'Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\nFinal-Recipient: rfc822; b@example.com\nAction: delivered\nStatus: 2.0.0',
      ),
    );
    expect(report.recipients.map((r) => [r.recipient, r.kind])).toEqual([
      ['a@example.com', 'hard'],
      ['b@example.com', 'ignored'],
    ]);
  });

  it.each([
    ['delayed', '4.4.7', 'delayed: the server is still trying'],
    ['delivered', '2.0.0', 'delivered: not a failure'],
    ['relayed', '2.0.0', 'relayed: not a failure'],
    ['expanded', '2.0.0', 'expanded: not a failure'],
    ['deliverable', '2.1.5', 'success status'],
  ])('ignores Action %s', (action, status, why) => {
    const report = classifyInbound(
      dsn(`Final-Recipient: rfc822; a@example.com\nAction: ${action}\nStatus: ${status}`),
    );
    expect(report.recipients[0]?.kind).toBe('ignored');
    expect(report.reason).toContain(why);
  });

  it('wins over Auto-Submitted, which MTAs also put on their bounces', () => {
    const m = dsn('Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1');
    const report = classifyInbound({
      ...m,
      headers: [['auto-submitted', 'auto-replied']],
      subject: 'Automatic reply',
    });
    expect(report.recipients[0]?.kind).toBe('hard');
  });

  it('finds the words of a recipient without Diagnostic-Code in the text, line by line', () => {
    const report = classifyInbound(
      dsn(
        'Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.0.0\n\nFinal-Recipient: rfc822; b@example.com\nAction: failed\nStatus: 5.0.0',
        'a@example.com: 550 no such user here\nb@example.com: 552 mailbox full\n',
      ),
    );
    expect(report.recipients.map((r) => [r.recipient, r.kind, r.diagnostic])).toEqual([
      ['a@example.com', 'hard', 'a@example.com: 550 no such user here'],
      ['b@example.com', 'soft', 'b@example.com: 552 mailbox full'],
    ]);
  });

  it('reads DSN fields written into the text (PMDF)', () => {
    const report = classifyInbound(
      message({
        from: 'PMDF e-Mail Interconnect <MAILER-DAEMON@mx.example.com>',
        subject: 'Delivery Notification: Delivery has failed',
        text: 'Your message cannot be delivered.\n\nReporting-MTA: dns; mx.example.com\n\nAction: failed\nStatus: 5.0.0\nOriginal-recipient: rfc822;ann@example.com\nDiagnostic-code: smtp; 550 5.1.1 User unknown\n',
      }),
    );
    expect(report.format).toBe('dsn');
    expect(report.recipients.map((r) => [r.kind, r.recipient, r.status])).toEqual([
      ['hard', 'ann@example.com', '5.1.1'],
    ]);
  });
});

describe('ARF (RFC 5965)', () => {
  it.each([
    ['abuse', 'complaint'],
    ['fraud', 'complaint'],
    ['virus', 'complaint'],
    ['opt-out', 'unsubscribe'],
    ['not-spam', 'ignored'],
    ['auth-failure', 'ignored'],
    ['other', 'ignored'],
  ] as const)('Feedback-Type %s → %s', (type, kind) => {
    const report = classifyInbound(
      arf(`Feedback-Type: ${type}\nOriginal-Rcpt-To: <heidi@example.net>`),
    );
    expect(report.format).toBe('arf');
    expect(report.recipients.map((r) => [r.kind, r.recipient])).toEqual([
      [kind, 'heidi@example.net'],
    ]);
  });

  it('reads a report without Feedback-Type as abuse, its reader from the original, a redacted one as unknown', () => {
    const original = (to: string) => [
      { contentType: 'message/rfc822', text: `From: alerts@brief.example\nTo: ${to}` },
    ];
    expect(
      classifyInbound(arf('User-Agent: OldFBL/0.1', original('ann@example.com'))).recipients,
    ).toMatchObject([{ kind: 'complaint', recipient: 'ann@example.com' }]);
    expect(
      classifyInbound(arf('Feedback-Type: abuse', original('xxxxxxxx@example.com'))).recipients,
    ).toMatchObject([{ kind: 'complaint', recipient: null }]);
  });
});

describe('Amazon SES notifications by mail', () => {
  const ses = (event: object, wrap = false) =>
    message({
      from: 'AWS Notifications <no-reply@sns.amazonaws.com>',
      text: JSON.stringify(wrap ? { Type: 'Notification', Message: JSON.stringify(event) } : event),
    });

  it.each([
    ['Permanent', 'General', 'hard'],
    ['Permanent', 'Suppressed', 'hard'],
    ['Transient', 'MailboxFull', 'soft'],
    ['Undetermined', 'Undetermined', 'soft'],
  ] as const)('Bounce %s/%s → %s', (bounceType, bounceSubType, kind) => {
    const report = classifyInbound(
      ses({
        notificationType: 'Bounce',
        bounce: {
          bounceType,
          bounceSubType,
          bouncedRecipients: [{ emailAddress: 'ivan@example.org' }],
        },
      }),
    );
    expect(report.recipients.map((r) => [r.kind, r.recipient])).toEqual([
      [kind, 'ivan@example.org'],
    ]);
  });

  it('reads complaints (not-spam ignored), deliveries, the email-json envelope, and the original tags', () => {
    const verp = `bounces+${signBounceTag('k', 7, 'j@example.com')}@bounce.brief.example`;
    const id = `<${signedMessageIdLocal('k', 7, 'j@example.com')}@brief.example>`;
    const complaint = {
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'j@example.com' }],
        complaintFeedbackType: 'abuse',
      },
      mail: { source: verp, headers: [{ name: 'Message-ID', value: id }] },
    };
    const report = classifyInbound(ses(complaint, true));
    expect(report.recipients).toMatchObject([{ kind: 'complaint', recipient: 'j@example.com' }]);
    expect(report.verpTags.map((t) => t.deliveryId)).toEqual([7]);
    expect(report.messageIdTags.map((t) => t.deliveryId)).toEqual([7]);
    const notSpam = {
      ...complaint,
      complaint: { ...complaint.complaint, complaintFeedbackType: 'not-spam' },
    };
    expect(classifyInbound(ses(notSpam)).recipients[0]?.kind).toBe('ignored');
    const delivery = { notificationType: 'Delivery', delivery: { recipients: ['j@example.com'] } };
    expect(classifyInbound(ses(delivery)).recipients).toMatchObject([
      { kind: 'ignored', action: 'delivered' },
    ]);
  });

  it('ignores a JSON body that is not an SES event', () => {
    expect(classifyInbound(ses({ hello: 'world' })).format).toBe('unknown');
  });
});

describe('auto-replies, replies and messages that are not bounces', () => {
  it.each([
    [{ 'Auto-Submitted': 'auto-replied' }, null, 'Auto-Submitted: auto-replied'],
    [{ 'Auto-Submitted': 'auto-generated' }, null, 'Auto-Submitted: auto-generated'],
    [{ 'X-Autoreply': 'yes' }, null, 'X-Autoreply: yes'],
    [{ 'X-Autorespond': 'Out of office' }, null, 'X-Autorespond: Out of office'],
    [{ Precedence: 'auto_reply' }, null, 'Precedence: auto_reply'],
    [{}, 'Out of Office: back on Monday', 'Subject: Out of Office: back on Monday'],
    [
      {},
      'Automatic reply: Sanctions: daily digest',
      'Subject: Automatic reply: Sanctions: daily digest',
    ],
    [{}, 'Abwesenheitsnotiz: Sanctions', 'Subject: Abwesenheitsnotiz: Sanctions'],
  ])('%o %s is an auto-reply', (header, subject, why) => {
    const report = classifyInbound(
      message({ header, subject, from: 'walter@example.com', text: 'I am away.' }),
    );
    expect(report.format).toBe('auto-reply');
    expect(report.reason).toBe(`an auto-reply (${why})`);
    expect(report.recipients).toMatchObject([{ kind: 'ignored', recipient: null }]);
  });

  it('does not take Auto-Submitted: no for an auto-reply', () => {
    const report = classifyInbound(
      message({ header: { 'Auto-Submitted': 'no' }, subject: 'hello' }),
    );
    expect(report.format).toBe('unknown');
  });

  it('reads a vacation message that speaks of delivery as an auto-reply, not a bounce', () => {
    const report = classifyInbound(
      message({
        header: { 'Auto-Submitted': 'auto-replied', 'Return-Path': '<>' },
        from: 'walter@example.com',
        subject: 'Away',
        text: 'I am away. Mail could not be delivered to my assistant walter.assistant@example.com.',
      }),
    );
    expect(report.format).toBe('auto-reply');
  });

  it('reads a reply as a reply, whatever words its person uses', () => {
    const report = classifyInbound(
      message({
        header: { 'In-Reply-To': '<x@brief.example>' },
        from: 'yvonne@example.net',
        subject: 'Re: digest',
        text: 'User unknown? Mailbox full? 550 5.1.1 is what my friend got from you.',
      }),
    );
    expect(report.format).toBe('reply');
    expect(report.recipients[0]?.kind).toBe('ignored');
  });

  it('reads a bounce from an unknown writer by how it presents itself', () => {
    const report = classifyInbound(
      message({
        header: { 'Return-Path': '<>' },
        from: '"Postmaster" <postmaster@mail.example.com>',
        subject: 'Undeliverable Mail',
        text: 'Invalid final delivery userid: kijitora@example.com\n\nOriginal message follows.\n\nTo: someone@else.example\n',
      }),
    );
    expect(report.format).toBe('other-bounce');
    expect(report.recipients.map((r) => [r.kind, r.recipient])).toEqual([
      ['hard', 'kijitora@example.com'],
    ]);
  });
});
