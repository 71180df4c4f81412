import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReaderByEmail } from '../../../db/repositories/reader.repository.js';
import { findSuppression } from '../../../db/repositories/suppression.repository.js';
import { metricsRegistry } from '../../../src/adapters/metrics.js';
import { signBounceTag } from '../../../src/domain/bounce-tag.js';
import {
  type InboundOutcome,
  processInboundMessage,
  recordProviderEvent,
} from '../../../src/services/bounces/index.js';
import { addTopic } from '../../../src/services/topics/topics.service.js';
import {
  addDailyReaders,
  bounceOf,
  readFixture,
  sendDailyDigests,
} from '../../support/bounce-helpers.js';
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

const READERS = [
  'ann@corp.example',
  'bo@corp.example',
  'cy@corp.example',
  'di@corp.example',
  'ed@corp.example',
  'flo@corp.example',
  'gus@corp.example',
  'hal@corp.example',
];

describe.each(DIALECTS)('recording bounces and complaints (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  /** Each day's deliveries, by recipient. */
  const days: Map<string, { id: number; recipient: string }>[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, {
      smtpUrl: smtp.url,
      env: { BOUNCE_ADDRESS: 'bounces@bounce.brief.example' },
    });
    t.setNow(new Date('2026-11-30T12:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addDailyReaders(t, READERS);
    for (const day of ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05']) {
      days.push(await sendDailyDigests(t, day));
    }
    t.setNow(new Date('2026-12-05T12:00:00Z'));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  const delivery = (day: number, email: string) => {
    const found = days[day]?.get(email);
    if (!found) throw new Error(`no delivery to ${email} on day ${day}`);
    return found;
  };
  const process = (raw: Buffer) => processInboundMessage(t.app, raw, 'file');
  const suppressionOf = (email: string) => findSuppression(t.app.db, email);

  it('sends each digest from its VERP address, with a signed Message-ID and the tag header', async () => {
    const ann = delivery(0, 'ann@corp.example');
    const tag = signBounceTag(t.app.secretKey, ann.id, ann.recipient);
    const mail = smtp.received.find((m) => m.to.includes('ann@corp.example'));
    expect(mail?.from).toBe(`bounces+${tag}@bounce.brief.example`);
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.messageId).toBe(
      `<delivery-${ann.id}.${tag.slice(tag.indexOf('-') + 1)}@brief.example>`,
    );
    expect(parsed.headers.get('x-bulletin-tag')).toBe(tag);
    expect(parsed.from?.value[0]?.address).toBe('alerts@brief.example');
  });

  it('suppresses a hard bounce at once, with what the server said; the next digest is not sent', async () => {
    const ann = delivery(0, 'ann@corp.example');
    const outcome = await process(bounceOf('dsn-postfix-user-unknown.eml', t.app.secretKey, ann));
    expect(outcome).toMatchObject({ duplicate: false, readable: true, format: 'dsn' });
    expect(outcome.bounces).toEqual([
      {
        id: expect.any(Number),
        kind: 'hard',
        deliveryId: ann.id,
        recipient: 'ann@corp.example',
        suppressed: 'hard-bounce',
      },
    ]);
    const suppression = await suppressionOf('ann@corp.example');
    expect(suppression?.reason).toBe('hard-bounce');
    expect(suppression?.detail).toMatch(/^5\.1\.1 .*User unknown/);

    const next = await sendDailyDigests(t, '2026-12-06');
    expect(next.get('ann@corp.example')?.status).toBe('suppressed');
    expect(next.get('bo@corp.example')?.status).toBe('sent');
    expect(smtp.received.filter((m) => m.to.includes('ann@corp.example')).length).toBe(5);
    t.setNow(new Date('2026-12-06T12:00:00Z'));
  });

  it('changes nothing when the same bounce comes again, CRLF or not', async () => {
    const ann = delivery(0, 'ann@corp.example');
    const raw = bounceOf('dsn-postfix-user-unknown.eml', t.app.secretKey, ann);
    const before = await suppressionOf('ann@corp.example');
    const again = await process(
      Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'),
    );
    expect(again.duplicate).toBe(true);
    expect(again.bounces.map((b) => [b.kind, b.deliveryId, b.suppressed])).toEqual([
      ['hard', ann.id, 'hard-bounce'],
    ]);
    expect(await suppressionOf('ann@corp.example')).toEqual(before);
  });

  it.each([
    ['a wrong signature', { signature: 'aaaaaaaaaaaaaaaa' }],
    ['a tag signed for another address', { signedFor: 'cy@corp.example' }],
    ['a report about another address', { reportedRecipient: 'cy@corp.example' }],
  ])('suppresses no one for %s', async (_, forgery) => {
    const bo = delivery(1, 'bo@corp.example');
    const outcome = await process(
      bounceOf('dsn-postfix-user-unknown.eml', t.app.secretKey, bo, forgery),
    );
    expect(outcome.bounces.map((b) => [b.kind, b.deliveryId, b.suppressed])).toEqual([
      ['unmatched', null, null],
    ]);
    expect(await suppressionOf('bo@corp.example')).toBeUndefined();
    expect(await suppressionOf('cy@corp.example')).toBeUndefined();
  });

  it('suppresses no one for a delivery that does not exist, or a forged DSN as written', async () => {
    const unknown = await process(
      bounceOf('dsn-postfix-user-unknown.eml', t.app.secretKey, {
        id: 999_999,
        recipient: 'cy@corp.example',
      }),
    );
    expect(unknown.bounces.map((b) => b.kind)).toEqual(['unmatched']);
    const forged = await process(
      bounceOf('forged-dsn.eml', t.app.secretKey, delivery(1, 'cy@corp.example'), {
        signature: 'bbbbbbbbbbbbbbbb',
      }),
    );
    expect(forged.bounces.map((b) => [b.kind, b.suppressed])).toEqual([['unmatched', null]]);
    expect(await suppressionOf('cy@corp.example')).toBeUndefined();
  });

  it('ignores an auto-reply, a delay notice and a reply, even tagged as ours', async () => {
    const cy = delivery(1, 'cy@corp.example');
    for (const name of ['auto-reply-out-of-office.eml', 'dsn-delayed.eml', 'reply.eml']) {
      const outcome = await process(bounceOf(name, t.app.secretKey, cy));
      expect(
        outcome.bounces.map((b) => [b.kind, b.suppressed]),
        name,
      ).toEqual([['ignored', null]]);
    }
    expect(await suppressionOf('cy@corp.example')).toBeUndefined();
  });

  it('records bytes that are not mail as ignored, and says they were not readable', async () => {
    const outcome = await process(Buffer.from('%PDF-1.7\n\u0000\u0001 binary\n'));
    expect(outcome.readable).toBe(false);
    expect(outcome.bounces.map((b) => b.kind)).toEqual(['ignored']);
  });

  it('suppresses after three soft bounces of distinct deliveries, not before', async () => {
    const soft = (day: number) =>
      process(
        bounceOf(
          'dsn-exchange-mailbox-full.eml',
          t.app.secretKey,
          delivery(day, 'di@corp.example'),
        ),
      );
    const first = await soft(0);
    expect(first.bounces.map((b) => [b.kind, b.suppressed])).toEqual([['soft', null]]);
    // The same delivery bouncing again (another copy of the report) is not a second one.
    const resent = bounceOf(
      'dsn-exchange-mailbox-full.eml',
      t.app.secretKey,
      delivery(0, 'di@corp.example'),
    );
    await process(Buffer.concat([resent, Buffer.from('\r\nX-Resent: 1\r\n')]));
    expect((await soft(1)).bounces[0]?.suppressed).toBeNull();
    expect(await suppressionOf('di@corp.example')).toBeUndefined();
    expect((await soft(2)).bounces[0]?.suppressed).toBe('soft-bounce');
    const suppression = await suppressionOf('di@corp.example');
    expect(suppression?.reason).toBe('soft-bounce');
    expect(suppression?.detail).toMatch(/^3 soft bounces within 30d; the last: 5\.2\.2/);
  });

  it('starts counting again after a successful delivery between soft bounces', async () => {
    const soft = (day: number) =>
      process(
        bounceOf(
          'dsn-exchange-mailbox-full.eml',
          t.app.secretKey,
          delivery(day, 'ed@corp.example'),
        ),
      );
    await soft(0);
    // Day 1 was sent and never bounced: the address took mail after the first soft bounce.
    await soft(2);
    expect((await soft(3)).bounces[0]?.suppressed).toBeNull();
    expect(await suppressionOf('ed@corp.example')).toBeUndefined();
    expect((await soft(4)).bounces[0]?.suppressed).toBe('soft-bounce');
  });

  it('suppresses a complaint, the reader named or redacted', async () => {
    const flo = delivery(2, 'flo@corp.example');
    const named = await process(bounceOf('arf-abuse.eml', t.app.secretKey, flo));
    expect(named.bounces.map((b) => [b.kind, b.deliveryId, b.suppressed])).toEqual([
      ['complaint', flo.id, 'complaint'],
    ]);
    expect((await suppressionOf('flo@corp.example'))?.reason).toBe('complaint');

    const gus = delivery(2, 'gus@corp.example');
    const redacted = await process(bounceOf('arf-redacted.eml', t.app.secretKey, gus));
    expect(redacted.bounces.map((b) => [b.kind, b.deliveryId, b.recipient, b.suppressed])).toEqual([
      ['complaint', gus.id, 'gus@corp.example', 'complaint'],
    ]);
  });

  it('records provider events once, and unsubscribes on a provider opt-out', async () => {
    const hal = delivery(3, 'hal@corp.example');
    const tag = signBounceTag(t.app.secretKey, hal.id, hal.recipient);
    const event = {
      source: 'postmark' as const,
      eventId: 'pm-1',
      kind: 'unsubscribe' as const,
      recipient: 'HAL@corp.example',
      messageIds: [],
      tags: [tag],
      status: null,
      diagnostic: null,
      raw: '{"RecordType":"SubscriptionChange"}',
      receivedAt: new Date('2026-12-06T12:00:00Z'),
    };
    const first: InboundOutcome = await recordProviderEvent(t.app, event);
    expect(first.bounces.map((b) => [b.kind, b.deliveryId, b.suppressed])).toEqual([
      ['unsubscribe', hal.id, 'unsubscribed'],
    ]);
    expect((await findReaderByEmail(t.app.db, 'hal@corp.example'))?.status).toBe('unsubscribed');
    expect((await recordProviderEvent(t.app, event)).duplicate).toBe(true);

    const forged = await recordProviderEvent(t.app, {
      ...event,
      eventId: 'pm-2',
      kind: 'hard',
      recipient: 'bo@corp.example',
    });
    expect(forged.bounces.map((b) => b.kind)).toEqual(['unmatched']);
    expect(await suppressionOf('bo@corp.example')).toBeUndefined();
  });

  it('counts reports by kind and source', async () => {
    const text = await metricsRegistry.getSingleMetricAsString('bulletin_bounces_total');
    expect(text).toMatch(/bulletin_bounces_total\{kind="hard",source="file"\} [1-9]/);
    expect(text).toMatch(/bulletin_bounces_total\{kind="unmatched",source="postmark"\} [1-9]/);
  });

  it('keeps the message it read for review', async () => {
    const raw = readFixture('reply.eml');
    const outcome = await process(raw);
    const row = await t.app.db
      .selectFrom('inbound_messages')
      .select(['raw', 'raw_bytes'])
      .where('id', '=', outcome.messageId)
      .executeTakeFirstOrThrow();
    expect(Buffer.from(row.raw).equals(raw)).toBe(true);
    expect(Number(row.raw_bytes)).toBe(raw.length);
  });
});
