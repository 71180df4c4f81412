import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTopic } from '../../src/services/topics/topics.service.js';
import {
  addDailyReaders,
  bounceOf,
  readFixture,
  sendDailyDigests,
} from '../support/bounce-helpers.js';
import { runCli } from '../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

const READERS = [
  'ann@corp.example',
  'bo@corp.example',
  'cy@corp.example',
  'di@corp.example',
  'ed@corp.example',
  'flo@corp.example',
  'gus@corp.example',
];

/**
 * `bounces process` fed what a mail server sent back about real digests, by every way a file
 * reaches it: one message, a directory, a maildir, an mbox and standard input.
 */
describe.each(DIALECTS)('bounces process, list and show (%s)', { timeout: 180_000 }, (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  let env: Record<string, string>;
  let dir: string;
  let sent: Map<string, { id: number; recipient: string }>;

  const bounce = (fixture: string, email: string, options = {}) => {
    const delivery = sent.get(email);
    if (!delivery) throw new Error(`no delivery to ${email}`);
    return bounceOf(fixture, t.app.secretKey, delivery, options);
  };
  const write = (name: string, bytes: Buffer | string) => {
    const where = path.join(dir, name);
    fs.mkdirSync(path.dirname(where), { recursive: true });
    fs.writeFileSync(where, bytes);
    return where;
  };
  const suppressions = async () => {
    const listed = await runCli(['suppressions', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    return new Map(
      (JSON.parse(listed.stdout) as { email: string; reason: string; detail: string | null }[]).map(
        (s) => [s.email, s],
      ),
    );
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, {
      smtpUrl: smtp.url,
      env: { BOUNCE_ADDRESS: 'bounces@bounce.brief.example' },
    });
    env = { ...t.env, LOG_LEVEL: 'warn' };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-bounces-'));
    t.setNow(new Date('2026-11-30T12:00:00Z'));
    await addTopic(t.app, { slug: 'customs', name: 'Customs', query: 'customs' });
    await addDailyReaders(t, READERS);
    sent = await sendDailyDigests(t, '2026-12-01');
    expect([...sent.values()].every((d) => (d as { status?: string }).status === 'sent')).toBe(
      true,
    );
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the digest went out from the delivery VERP address', () => {
    const ann = sent.get('ann@corp.example')!;
    const mail = smtp.received.find((m) => m.to.includes('ann@corp.example'))!;
    expect(mail.from).toMatch(
      new RegExp(`^bounces\\+d${ann.id}-[a-z2-7]{16}@bounce\\.brief\\.example$`),
    );
  });

  it('records one message: a hard bounce suppresses its reader', async () => {
    const file = write('ann.eml', bounce('dsn-postfix-user-unknown.eml', 'ann@corp.example'));
    const result = await runCli(['bounces', 'process', file], env);
    expect(result.code, result.stderr).toBe(0);
    const ann = sent.get('ann@corp.example')!;
    expect(result.stdout).toBe(
      `${file}: hard delivery ${ann.id} ann@corp.example (suppressed: hard-bounce)\n`,
    );
    const again = await runCli(['bounces', 'process', file], env);
    expect(again.stdout).toMatch(/\(seen before: nothing changed\)\n$/);
    expect((await suppressions()).get('ann@corp.example')).toMatchObject({
      reason: 'hard-bounce',
      detail: expect.stringMatching(/^5\.1\.1 /),
    });
  });

  it('records a directory of .eml files and a maildir, one line each, with --json', async () => {
    write('dir/bo.eml', bounce('qmail.eml', 'bo@corp.example'));
    write('dir/reply.eml', bounce('reply.eml', 'bo@corp.example'));
    write('dir/notes.txt', 'not a message, and not named .eml: left alone');
    const fromDir = await runCli(['bounces', 'process', path.join(dir, 'dir'), '--json'], env);
    expect(fromDir.code, fromDir.stderr).toBe(0);
    const lines = fromDir.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [path.basename(l.message), l.kind, l.deliveryId, l.recipient])).toEqual(
      [
        ['bo.eml', 'hard', sent.get('bo@corp.example')!.id, 'bo@corp.example'],
        ['reply.eml', 'ignored', undefined, undefined],
      ],
    );

    write('Maildir/new/1764572531.M1.host', bounce('gmail.eml', 'cy@corp.example'));
    write('Maildir/cur/1764572530.M2.host:2,S', bounce('dsn-delayed.eml', 'cy@corp.example'));
    write('Maildir/tmp/1764572532.M3.host', 'still being written: never read');
    const fromMaildir = await runCli(['bounces', 'process', path.join(dir, 'Maildir')], env);
    expect(fromMaildir.code, fromMaildir.stderr).toBe(0);
    expect(fromMaildir.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /new\/1764572531\.M1\.host: hard delivery \d+ cy@corp\.example \(suppressed: hard-bounce\)$/,
      ),
      expect.stringMatching(/cur\/1764572530\.M2\.host:2,S: ignored: DSN: /),
    ]);
  });

  it('records an mbox, unquoting its >From lines, and standard input', async () => {
    const message = (raw: Buffer) =>
      `From MAILER-DAEMON Tue Dec  1 07:02:11 2026\n${raw.toString('latin1').replace(/^(>*From )/gm, '>$1')}\n`;
    // A line of the message that begins with "From " must come back as it was written.
    const di = Buffer.concat([
      bounce('dsn-postfix-user-unknown.eml', 'di@corp.example'),
      Buffer.from('From the postmaster: a line that an mbox quotes.\n'),
    ]);
    const forged = bounce('dsn-postfix-user-unknown.eml', 'ed@corp.example', {
      signature: 'aaaaaaaaaaaaaaaa',
    });
    const mbox = write('bounces.mbox', Buffer.from(message(di) + message(forged), 'latin1'));
    const fromMbox = await runCli(['bounces', 'process', mbox, '--json'], env);
    expect(fromMbox.code, fromMbox.stderr).toBe(0);
    const lines = fromMbox.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.message.replace(dir, ''), l.kind, l.suppressed])).toEqual([
      ['/bounces.mbox#1', 'hard', 'hard-bounce'],
      ['/bounces.mbox#2', 'unmatched', null],
    ]);
    const kept = await runCli(['bounces', 'show', String(lines[0].bounces[0].id), '--raw'], env);
    expect(kept.stdout).toContain('\nFrom the postmaster: a line that an mbox quotes.');
    expect(kept.stdout).not.toContain('>From the postmaster');

    const piped = await runCli(
      ['bounces', 'process', '-'],
      env,
      bounce('arf-abuse.eml', 'flo@corp.example').toString('latin1'),
    );
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(
      /^-: complaint delivery \d+ flo@corp\.example \(suppressed: complaint\)\n$/,
    );
  });

  it('suppresses no one for a soft bounce alone, a forgery or an auto-reply', async () => {
    const soft = write('gus-soft.eml', bounce('dsn-exchange-mailbox-full.eml', 'gus@corp.example'));
    const other = write(
      'gus-other.eml',
      bounce('dsn-postfix-user-unknown.eml', 'gus@corp.example', {
        reportedRecipient: 'ann@corp.example',
      }),
    );
    const auto = write('gus-auto.eml', bounce('auto-reply-out-of-office.eml', 'gus@corp.example'));
    for (const [file, kind] of [
      [soft, 'soft'],
      [other, 'unmatched'],
      [auto, 'ignored'],
    ] as const) {
      const result = await runCli(['bounces', 'process', file, '--json'], env);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ kind, suppressed: null });
    }
    const now = await suppressions();
    expect(now.has('gus@corp.example')).toBe(false);
    expect(now.has('ed@corp.example')).toBe(false);
    expect([...now.keys()].sort()).toEqual([
      'ann@corp.example',
      'bo@corp.example',
      'cy@corp.example',
      'di@corp.example',
      'flo@corp.example',
    ]);
  });

  it('sends the next digest to no suppressed reader', async () => {
    const next = await sendDailyDigests(t, '2026-12-02');
    const status = Object.fromEntries([...next].map(([email, d]) => [email, d.status]));
    expect(status).toEqual({
      'ann@corp.example': 'suppressed',
      'bo@corp.example': 'suppressed',
      'cy@corp.example': 'suppressed',
      'di@corp.example': 'suppressed',
      'ed@corp.example': 'sent',
      'flo@corp.example': 'suppressed',
      'gus@corp.example': 'sent',
    });
    const received = smtp.received.filter((m) => m.to.includes('ann@corp.example'));
    expect(received).toHaveLength(1);
  });

  it('lists the reports with the contract fields, shows one, and gives its message back', async () => {
    const listed = await runCli(['bounces', 'list', '--kind', 'hard', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const hard = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(hard.map((b) => b.recipient).sort()).toEqual([
      'ann@corp.example',
      'bo@corp.example',
      'cy@corp.example',
      'di@corp.example',
    ]);
    const ann = hard.find((b) => b.recipient === 'ann@corp.example')!;
    expect(ann).toMatchObject({
      deliveryId: sent.get('ann@corp.example')!.id,
      kind: 'hard',
      status: '5.1.1',
      diagnostic: expect.stringContaining('User unknown'),
      source: 'file',
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const table = await runCli(['bounces', 'list', '--since', '30d'], env);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+RECEIVED\s+KIND\s+SOURCE\s+DELIVERY\s+RECIPIENT/,
    );

    const shown = await runCli(['bounces', 'show', String(ann.id)], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^bounce \d+: hard 5\.1\.1 ann@corp\.example\n/);
    expect(shown.stdout).toMatch(/message \d+: dsn, DSN: Action failed/);
    const raw = await runCli(['bounces', 'show', String(ann.id), '--raw'], env);
    expect(raw.stdout).toBe(bounce('dsn-postfix-user-unknown.eml', 'ann@corp.example').toString());

    const deliveries = await runCli(
      ['deliveries', 'list', '--recipient', 'ann@corp.example', '--json'],
      env,
    );
    const first = (JSON.parse(deliveries.stdout) as { id: number; bounce: unknown }[]).find(
      (d) => d.id === sent.get('ann@corp.example')!.id,
    );
    expect(first?.bounce).toMatchObject({ kind: 'hard', status: '5.1.1' });
    const missing = await runCli(['bounces', 'show', '999999'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no bounce 999999/);
  });

  it('exits 2 for a file it cannot read or that is not mail, still recording the rest', async () => {
    const gone = await runCli(['bounces', 'process', path.join(dir, 'nowhere.eml')], env);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/cannot read .*nowhere\.eml: no such file/);

    write('mixed/a.eml', readFixture('vacation-x-autoreply.eml'));
    write('mixed/b.eml', Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01, 0x02]));
    const mixed = await runCli(['bounces', 'process', path.join(dir, 'mixed')], env);
    expect(mixed.code).toBe(2);
    expect(mixed.stdout).toMatch(/a\.eml: ignored: an auto-reply/);
    expect(mixed.stdout).toMatch(/b\.eml: ignored: not readable as mail/);
    expect(mixed.stderr).toMatch(
      /1 file or message could not be read as mail .*2 messages recorded/,
    );

    const empty = await runCli(['bounces', 'process', '-'], env, '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/-: empty/);
  });
});
