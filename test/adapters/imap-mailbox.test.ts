import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ImapMailboxOptions,
  type MailboxVerdict,
  pollImapMailbox,
} from '../../src/adapters/mail-in/imap-mailbox.js';
import { startImapServer, type TestImapServer } from '../support/imap-server.js';

const log = pino({ level: 'silent' });
const message = (subject: string, body = 'Sorry.') =>
  `From: MAILER-DAEMON@mx.example\r\nTo: bounces@mail.brief.example\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@mx.example>\r\n\r\n${body}\r\n`;
const subjects = (list: { raw: Buffer }[]) =>
  list.map(({ raw }) => /Subject: (.*)\r\n/.exec(raw.toString())?.[1]).sort();

let imap: TestImapServer;
let options: ImapMailboxOptions;
beforeAll(async () => {
  imap = await startImapServer();
  options = {
    host: imap.host,
    port: imap.port,
    secure: false,
    user: imap.user,
    password: imap.password,
    mailbox: 'INBOX',
    log,
  };
}, 60_000);
afterAll(async () => {
  await imap?.stop();
});

describe('the IMAP bounce mailbox, on a real Dovecot', () => {
  it('moves each unseen message once handled, to Processed or Unmatched (created), deleting none', async () => {
    await imap.append('INBOX', message('hard bounce'));
    await imap.append('INBOX', message('forged'));
    await imap.append('INBOX', message('read already'), ['\\Seen']);
    const handled: string[] = [];
    const report = await pollImapMailbox(options, async (raw, info) => {
      handled.push(raw.toString());
      expect(info.truncated).toBe(false);
      expect(info.size).toBe(raw.length);
      return raw.includes('forged') ? 'unmatched' : 'processed';
    });
    expect(report).toEqual({ found: 2, processed: 1, unmatched: 1, failed: 0, left: 0 });
    expect(handled).toHaveLength(2);
    // The folders exist, under the server's delimiter ('.' on Dovecot's maildir).
    expect(await imap.folders()).toEqual(
      expect.arrayContaining(['INBOX', 'Bulletin.Processed', 'Bulletin.Unmatched']),
    );
    expect(subjects(await imap.messages(['Bulletin', 'Processed']))).toEqual(['hard bounce']);
    expect(subjects(await imap.messages(['Bulletin', 'Unmatched']))).toEqual(['forged']);
    // What was read already is left alone, where it was.
    expect(subjects(await imap.messages('INBOX'))).toEqual(['read already']);
    // Nothing was flagged deleted; a second poll finds nothing to do.
    for (const folder of [['Bulletin', 'Processed'], ['Bulletin', 'Unmatched'], ['INBOX']])
      for (const stored of await imap.messages(folder))
        expect(stored.flags).not.toContain('\\Deleted');
    expect(await pollImapMailbox(options, async () => 'processed')).toEqual({
      found: 0,
      processed: 0,
      unmatched: 0,
      failed: 0,
      left: 0,
    });
  });

  it('leaves a message whose handling failed unseen in place, holding up none after it', async () => {
    for (const subject of ['first', 'poison', 'third'])
      await imap.append('INBOX', message(subject));
    const before = (await imap.messages(['Bulletin', 'Processed'])).length;
    const failing = async (raw: Buffer): Promise<MailboxVerdict> => {
      if (raw.includes('poison')) throw new Error('the recorder failed on this one');
      return 'processed';
    };
    await expect(pollImapMailbox(options, failing)).rejects.toMatchObject({
      name: 'MailboxPollError',
      message: '1 message(s) could not be recorded: the recorder failed on this one',
      report: { found: 3, processed: 2, failed: 1 },
    });
    // The others were moved; the failed one stays unseen for the next poll, which takes it.
    const inbox = await imap.messages('INBOX');
    expect(subjects(inbox)).toEqual(['poison', 'read already']);
    expect(inbox.find((m) => m.raw.includes('poison'))?.flags).not.toContain('\\Seen');
    expect(await pollImapMailbox(options, async () => 'processed')).toMatchObject({
      found: 1,
      processed: 1,
    });
    expect((await imap.messages(['Bulletin', 'Processed'])).length).toBe(before + 3);
  });

  it('ends a poll after three failures in a row (the database away), leaving the rest', async () => {
    for (const n of [1, 2, 3, 4, 5]) await imap.append('INBOX', message(`during outage ${n}`));
    let calls = 0;
    await expect(
      pollImapMailbox(options, async () => {
        calls++;
        throw new Error('the database is away');
      }),
    ).rejects.toMatchObject({ report: { found: 5, failed: 3, processed: 0 } });
    expect(calls).toBe(3);
    expect((await imap.messages('INBOX')).length).toBe(6);
    expect(await pollImapMailbox(options, async () => 'processed')).toMatchObject({
      found: 5,
      processed: 5,
    });
  });

  it('reads no more of a message than its cap, and of a mailbox no more than a poll takes', async () => {
    const big = message('big', `${'y'.repeat(998)}\r\n`.repeat(300));
    await imap.append('INBOX', big);
    for (const n of [1, 2, 3]) await imap.append('INBOX', message(`small ${n}`));
    const seen: { bytes: number; size: number; truncated: boolean }[] = [];
    const handle = async (raw: Buffer, info: { size: number; truncated: boolean }) => {
      seen.push({ bytes: raw.length, size: info.size, truncated: info.truncated });
      return 'processed' as MailboxVerdict;
    };
    const capped = { ...options, maxMessageBytes: 10_000, maxMessagesPerPoll: 2 };
    expect(await pollImapMailbox(capped, handle)).toMatchObject({
      found: 4,
      processed: 2,
      left: 2,
    });
    expect(seen[0]).toEqual({ bytes: 10_000, size: Buffer.byteLength(big), truncated: true });
    expect(await pollImapMailbox(capped, handle)).toMatchObject({
      found: 2,
      processed: 2,
      left: 0,
    });
    // Moved whole: the cap limits what is read, never what is kept.
    const moved = (await imap.messages(['Bulletin', 'Processed'])).find((m) =>
      m.raw.includes('Subject: big'),
    );
    expect(moved?.raw.length).toBe(Buffer.byteLength(big));
  });

  it('rejects a wrong password and an unreachable server', async () => {
    await expect(
      pollImapMailbox({ ...options, password: 'wrong' }, async () => 'processed'),
    ).rejects.toThrow();
    await expect(
      pollImapMailbox({ ...options, port: 1 }, async () => 'processed'),
    ).rejects.toThrow();
  });
});

describe('an IMAP server with neither MOVE nor UIDPLUS', () => {
  let plain: TestImapServer;
  beforeAll(async () => {
    plain = await startImapServer({
      capabilities: 'IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE CHILDREN',
    });
  }, 60_000);
  afterAll(async () => {
    await plain?.stop();
  });

  it('gets a copy in the folder and keeps the original, marked seen: no expunge, which would take others', async () => {
    await plain.append('INBOX', message('someone else deleted this'), ['\\Deleted']);
    await plain.append('INBOX', message('a bounce'));
    const options = {
      host: plain.host,
      port: plain.port,
      secure: false,
      user: plain.user,
      password: plain.password,
      mailbox: 'INBOX',
      log,
    };
    expect(await pollImapMailbox(options, async () => 'processed')).toMatchObject({
      found: 1,
      processed: 1,
    });
    expect(subjects(await plain.messages(['Bulletin', 'Processed']))).toEqual(['a bounce']);
    const inbox = await plain.messages('INBOX');
    expect(subjects(inbox)).toEqual(['a bounce', 'someone else deleted this']);
    expect(inbox.find((m) => m.raw.includes('a bounce'))?.flags).toContain('\\Seen');
    // Seen now: the next poll leaves it be.
    expect(await pollImapMailbox(options, async () => 'processed')).toMatchObject({ found: 0 });
  });
});
