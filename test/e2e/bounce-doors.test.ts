import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBounces } from '../../db/repositories/bounce.repository.js';
import { findSuppression } from '../../db/repositories/suppression.repository.js';
import { mailboxVerdictOf } from '../../jobs/bounce-mailbox.job.js';
import { DirectWorkQueue } from '../../jobs/direct-work-queue.js';
import { pollImapMailbox } from '../../src/adapters/mail-in/imap-mailbox.js';
import type { Delivery } from '../../src/domain/delivery.js';
import { parseStoriesText } from '../../src/domain/story.js';
import { processInboundMessage } from '../../src/services/bounces/index.js';
import { listDeliveries } from '../../src/services/sending/deliveries.service.js';
import { publishStories } from '../../src/services/stories/publish-story.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { addDailyReaders, bounceOf, readFixture } from '../support/bounce-helpers.js';
import { spawnBulletin } from '../support/bulletin-process.js';
import { makeStory, runDue } from '../support/flow-helpers.js';
import { startImapServer, type TestImapServer } from '../support/imap-server.js';
import { openSmtpDialog } from '../support/smtp-dialog.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/*
 * The two inbound doors end to end: digests sent through an SMTP server from their VERP
 * addresses, their bounce and complaint come back to `bulletin start` by SMTP (its bounce
 * port) and by the IMAP mailbox it polls (a real Dovecot), the right readers are suppressed
 * for the right reason and the next digest goes to neither. Days far ahead of the machine's
 * clock: the child's own minute tick finds nothing of the test's due.
 */

const DOMAIN = 'bounce.brief.example';
const READERS = ['ann@corp.example', 'bob@corp.example', 'cat@corp.example', 'dan@corp.example'];
const DAY_ONE = '2030-03-04';
const DAY_TWO = '2030-03-05';

/** A message's text with CRLF read as LF: IMAP servers keep lines as CRLF. */
const text = (raw: Buffer) => raw.toString('latin1').replace(/\r\n/g, '\n');

/**
 * The daily digests of `day`, sent in this process at the test's clock: a customs story in the
 * night, the 07:00 digests built and sent. Every delivery of the day, by recipient.
 */
async function sendDailyDigests(t: TestApp, day: string): Promise<Map<string, Delivery>> {
  t.setNow(new Date(`${day}T03:00:00Z`));
  const story = makeStory(`c-${day}`, {
    headline: `Customs rules of ${day}`,
    publishedAt: `${day}T02:00:00Z`,
  });
  const queue = new DirectWorkQueue();
  await publishStories(
    { ...t.app, queue },
    parseStoriesText(JSON.stringify([story]), { now: t.app.now() }),
  );
  await runDue(t.app, queue);
  t.setNow(new Date(`${day}T07:30:00Z`));
  await runDue(t.app, new DirectWorkQueue());
  const made = await listDeliveries(t.app, { since: new Date(`${day}T00:00:00Z`) });
  return new Map(made.map((d) => [d.recipient, d]));
}

describe.each(DIALECTS)('bounces by SMTP and IMAP into bulletin start (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let imap: TestImapServer;
  let t: TestApp;
  let dayOne: Map<string, { id: number; recipient: string }>;

  beforeAll(async () => {
    [smtp, imap] = await Promise.all([startSmtpServer(), startImapServer()]);
    t = await createTestApp(dialect, {
      smtpUrl: smtp.url,
      env: { BOUNCE_ADDRESS: `bounces@${DOMAIN}` },
    });
    t.setNow(new Date('2030-03-03T12:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addDailyReaders(t, READERS);
    dayOne = await sendDailyDigests(t, DAY_ONE);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([smtp?.close(), imap?.stop()]);
  });

  const delivery = (email: string) => {
    const found = dayOne.get(email);
    if (!found) throw new Error(`no delivery to ${email}`);
    return found;
  };
  /** The envelope sender the mail server saw: the VERP address a bounce comes back to. */
  const verpOf = (email: string) => {
    const mail = smtp.received.find((m) => m.to.includes(email));
    if (!mail) throw new Error(`no mail to ${email}`);
    return mail.from;
  };

  it('records a bounce by SMTP before answering 250 and a complaint from the mailbox, moving each message', async () => {
    expect(verpOf('ann@corp.example')).toMatch(
      /^bounces\+d\d+-[a-z2-7]{16}@bounce\.brief\.example$/,
    );
    // In the mailbox before the start: the first poll runs as soon as it is scheduled.
    const complaint = bounceOf('arf-abuse.eml', t.app.secretKey, delivery('bob@corp.example'));
    await imap.append('INBOX', complaint);
    await imap.append('INBOX', readFixture('forged-dsn.eml'));
    const bulletin = await spawnBulletin(['start'], {
      ...t.env,
      PORT: '0',
      BOUNCE_SMTP_PORT: '0',
      BOUNCE_IMAP_URL: imap.url('INBOX'),
      LOG_LEVEL: 'info',
    });
    try {
      const port = Number(/bounces:\s+smtp port (\d+)/.exec(bulletin.output())?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(bulletin.output()).toContain(`imap://${imap.user}:***@127.0.0.1:${imap.port}/INBOX`);

      // By SMTP, as the reader's mail server sends a bounce: null sender, to the VERP address.
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true });
      const bounce = bounceOf(
        'dsn-postfix-user-unknown.eml',
        t.app.secretKey,
        delivery('ann@corp.example'),
      );
      const sent = await transport.sendMail({
        envelope: { from: '', to: [verpOf('ann@corp.example')] },
        raw: bounce,
      });
      transport.close();
      expect(sent.response).toMatch(/^250 /);
      // Answered 250 only once committed: no waiting for it.
      expect(await findSuppression(t.app.db, 'ann@corp.example')).toMatchObject({
        reason: 'hard-bounce',
      });

      // Never a relay, and never more than it takes.
      const dialog = await openSmtpDialog(port);
      expect(await dialog.say('EHLO mx.example')).toMatch(/SIZE 10485760/);
      expect(await dialog.say('MAIL FROM:<>')).toMatch(/^250/);
      expect(await dialog.say('RCPT TO:<someone@gmail.example>')).toMatch(/^550 5\.7\.1/);
      expect(await dialog.say(`RCPT TO:<${verpOf('cat@corp.example')}>`)).toMatch(/^250/);
      expect(await dialog.say('DATA')).toMatch(/^354/);
      const huge = `Subject: big\r\n\r\n${`${'z'.repeat(998)}\r\n`.repeat(11 * 1024)}`;
      expect(await dialog.data(huge)).toMatch(/^552 5\.3\.4/);
      expect(await dialog.say('QUIT')).toMatch(/^221/);
      dialog.close();

      // From the mailbox: the complaint suppresses bob, the forgery no one; both moved.
      await waitFor(async () => (await imap.messages('INBOX')).length === 0, 30_000, 'the poll');
      expect(await findSuppression(t.app.db, 'bob@corp.example')).toMatchObject({
        reason: 'complaint',
      });
      const processed = await imap.messages(['Bulletin', 'Processed']);
      expect(processed.map((m) => text(m.raw))).toEqual([text(complaint)]);
      const unmatched = await imap.messages(['Bulletin', 'Unmatched']);
      expect(unmatched.map((m) => text(m.raw))).toEqual([text(readFixture('forged-dsn.eml'))]);
      for (const m of [...processed, ...unmatched]) expect(m.flags).not.toContain('\\Deleted');
      expect(await findSuppression(t.app.db, 'cat@corp.example')).toBeUndefined();
      const recorded = await listBounces(t.app.db, {}, null);
      expect(recorded.map((b) => [b.source, b.kind]).sort()).toEqual([
        ['imap', 'complaint'],
        ['imap', 'unmatched'],
        ['smtp', 'hard'],
      ]);
      // Logs say what came, never whose.
      expect(bulletin.output()).toContain('bounce_smtp.received');
      expect(bulletin.output()).not.toMatch(/ann@corp\.example|bob@corp\.example/);
    } finally {
      expect(await bulletin.stop()).toBe(0);
    }
  }, 180_000);

  it('bounces listen: the listener alone, needing the database only, stops cleanly', async () => {
    const { REDIS_URL: _redis, ...env } = t.env;
    const listener = await spawnBulletin(['bounces', 'listen'], {
      ...env,
      // No Redis is asked for: a port where none answers.
      REDIS_URL: 'redis://127.0.0.1:1',
      BOUNCE_SMTP_PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const port = Number(/bounces:\s+smtp port (\d+)/.exec(listener.output())?.[1]);
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true });
      const bounce = bounceOf('gmail.eml', t.app.secretKey, delivery('dan@corp.example'));
      const sent = await transport.sendMail({
        envelope: { from: '', to: [verpOf('dan@corp.example')] },
        raw: bounce,
      });
      transport.close();
      expect(sent.response).toMatch(/^250 /);
      expect(await findSuppression(t.app.db, 'dan@corp.example')).toMatchObject({
        reason: 'hard-bounce',
      });
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  }, 60_000);

  it('sends the next digest to none of the bounced or complaining readers', async () => {
    const before = smtp.received.length;
    const dayTwo = await sendDailyDigests(t, DAY_TWO);
    const sentTo = smtp.received.slice(before).flatMap((m) => m.to);
    expect(sentTo).toEqual(['cat@corp.example']);
    expect(dayTwo.get('ann@corp.example')?.status ?? 'none').not.toBe('sent');
    expect(dayTwo.get('bob@corp.example')?.status ?? 'none').not.toBe('sent');
    expect(dayTwo.get('dan@corp.example')?.status ?? 'none').not.toBe('sent');
  }, 60_000);

  it('a crash between recording and moving: the next poll finds it recorded and moves it', async () => {
    const folder = 'Crash';
    const client = await imap.connect();
    await client.mailboxCreate(folder);
    await client.logout();
    const soft = bounceOf(
      'dsn-exchange-mailbox-full.eml',
      t.app.secretKey,
      delivery('cat@corp.example'),
    );
    await imap.append(folder, soft);
    const options = {
      host: imap.host,
      port: imap.port,
      secure: false,
      user: imap.user,
      password: imap.password,
      mailbox: folder,
      log: pino({ level: 'silent' }),
    };
    const record = async (raw: Buffer) =>
      mailboxVerdictOf(await processInboundMessage(t.app, raw, 'imap'));
    // Recorded and committed, then the process dies before the move.
    await expect(
      pollImapMailbox(options, async (raw) => {
        await record(raw);
        throw new Error('killed before the move');
      }),
    ).rejects.toThrow('killed before the move');
    expect(await imap.messages(folder)).toHaveLength(1);
    const outcomes: boolean[] = [];
    expect(
      await pollImapMailbox(options, async (raw) => {
        const outcome = await processInboundMessage(t.app, raw, 'imap');
        outcomes.push(outcome.duplicate);
        return mailboxVerdictOf(outcome);
      }),
    ).toMatchObject({ found: 1, processed: 1 });
    expect(outcomes).toEqual([true]);
    expect(await imap.messages(folder)).toHaveLength(0);
    // One record of it, one soft bounce: counted once, suppressing no one yet.
    const soft_bounces = (await listBounces(t.app.db, { kind: 'soft' }, null)).filter(
      (b) => b.recipient === 'cat@corp.example',
    );
    expect(soft_bounces).toHaveLength(1);
    expect(await findSuppression(t.app.db, 'cat@corp.example')).toBeUndefined();
    expect(
      (await imap.messages(['Bulletin', 'Processed'])).filter((m) => text(m.raw) === text(soft)),
    ).toHaveLength(1);
  }, 60_000);
});
