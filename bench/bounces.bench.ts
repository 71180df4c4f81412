/**
 * Bounces at a publisher's size, through the real CLI and the real web server:
 *
 *   npm run bench:bounces [-- --messages 10000] [--small 1000] [--events 10000] [--batch 100]
 *                         [--dialect sqlite|postgres] [--profile] [--heap-mb N] [--keep]
 *
 * Seeds deliveries of ours (digests, sent) through the delivery repository in a fresh
 * database, then:
 *
 * 1. writes a maildir of bounce messages made from the test fixtures (test/fixtures/bounces/:
 *    DSNs of Postfix, Exchange, qmail, Gmail, SES, ARF complaints, auto-replies, a forgery),
 *    each carrying the real signed VERP tag and Message-ID of a delivery of its own, and runs
 *    `node bin/bulletin.js bounces process DIR --json` on `--small` and then `--messages` of
 *    them: time, peak RSS (flat in the mailbox's size: the ratio is printed), and the shape
 *    (messages, matched %, kinds);
 * 2. starts `node bin/bulletin.js serve` with a SendGrid verification key the bench made, and
 *    posts `--events` signed SendGrid events about other deliveries, in batches of `--batch`,
 *    4 requests at a time: events/s, and how many the database recorded.
 *
 * Targets (issue 19): 10,000 messages in at most 30 s; 1,000 webhook events/s on SQLite;
 * memory flat in the mailbox's size.
 *
 * Environment: BENCH_POSTGRES_URL (bench/bench-database.ts), BENCH_REDIS_URL
 * [redis://127.0.0.1:6379] (the server's readiness asks Redis).
 */
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { finishDelivery, insertOrFindDelivery } from '../db/repositories/delivery.repository.js';
import { type App, openApp } from '../src/app.js';
import { loadSettings } from '../src/config/settings.js';
import { signBounceTag } from '../src/domain/bounce-tag.js';
import { createBenchDatabase, type Dialect } from './bench-database.js';
import { formatProfileSummary, profileFiles, summarizeProfiles } from './cpu-profile-summary.js';
import { killRunningChildren, runNodeChild, startBulletinServe } from './run-child.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'bin/bulletin.js');
const FIXTURES = path.join(REPO, 'test/fixtures/bounces');
const MAIL_DOMAIN = 'bench.example';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    small: { type: 'string', default: '1000' },
    events: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '100' },
    dialect: { type: 'string', default: 'sqlite' },
    profile: { type: 'boolean', default: false },
    'heap-mb': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages);
const small = Number(values.small);
const events = Number(values.events);
const batch = Number(values.batch);
const dialect = values.dialect as Dialect;

/**
 * The fixtures a mailbox receives, with how often (of 20) and the address each reports on
 * (the one its tags were signed for, replaced by the delivery's).
 */
const MIX: { file: string; recipient: string; weight: number }[] = [
  { file: 'dsn-postfix-user-unknown.eml', recipient: 'ann@example.com', weight: 5 },
  { file: 'gmail.eml', recipient: 'rupert@example.org', weight: 2 },
  { file: 'qmail.eml', recipient: 'niaj@example.org', weight: 2 },
  { file: 'ses-bounce.eml', recipient: 'ivan@example.org', weight: 1 },
  { file: 'dsn-exchange-mailbox-full.eml', recipient: 'bob@example.net', weight: 4 },
  { file: 'arf-abuse.eml', recipient: 'heidi@example.net', weight: 2 },
  { file: 'auto-reply-out-of-office.eml', recipient: 'walter@example.com', weight: 2 },
  { file: 'dsn-delayed.eml', recipient: 'dave@example.com', weight: 1 },
  { file: 'forged-dsn.eml', recipient: 'ann@example.com', weight: 1 },
];
const CYCLE = MIX.flatMap((m) => Array.from({ length: m.weight }, () => m));
const TEXTS = new Map(
  MIX.map((m) => [m.file, fs.readFileSync(path.join(FIXTURES, m.file)).toString('latin1')]),
);

interface Target {
  id: number;
  recipient: string;
  tag: string;
}

/** The fixture as a bounce of `target`: its tags and its address replaced (a forgery keeps a bad signature). */
function bounceMessage(fixture: (typeof MIX)[number], target: Target, i: number): Buffer {
  const forged = fixture.file === 'forged-dsn.eml';
  const signature = forged ? 'aaaaaaaaaaaaaaaa' : target.tag.slice(target.tag.indexOf('-') + 1);
  const escaped = fixture.recipient.replace(/[.+]/g, '\\$&');
  const text = (TEXTS.get(fixture.file) as string)
    .replace(/\bd\d{1,15}-[a-z2-7]{16}\b/gi, `d${target.id}-${signature}`)
    .replace(/delivery-\d{1,15}\.[a-z2-7]{16}@/gi, `delivery-${target.id}.${signature}@`)
    .replace(new RegExp(escaped, 'gi'), target.recipient)
    // Each message its own bytes (a mailbox holds no two alike).
    .replace(/^(Subject:.*)$/m, `$1 [${i}]`);
  return Buffer.from(text, 'latin1');
}

/** `count` sent digest deliveries, each to an address of its own, in transactions of 1,000. */
async function seedDeliveries(app: App, from: number, count: number): Promise<Target[]> {
  const targets: Target[] = [];
  const now = app.now();
  for (let start = 0; start < count; start += 1000) {
    await app.db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        const recipient = `reader-${from + i}@readers.example`;
        const delivery = await insertOrFindDelivery(
          trx,
          {
            kind: 'digest',
            digestId: null,
            readerId: null,
            recipient,
            cadence: 'daily',
            storyIds: [],
          },
          now,
        );
        const tag = signBounceTag(app.secretKey, delivery.id, recipient);
        const sig = tag.slice(tag.indexOf('-') + 1);
        await finishDelivery(
          trx,
          delivery.id,
          {
            status: 'sent',
            reply: '250 ok',
            messageId: `<delivery-${delivery.id}.${sig}@${MAIL_DOMAIN}>`,
          },
          now,
        );
        targets.push({ id: delivery.id, recipient, tag });
      }
    });
  }
  return targets;
}

function writeMaildir(dir: string, targets: Target[]): void {
  for (const sub of ['new', 'cur', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  targets.forEach((target, i) => {
    const fixture = CYCLE[i % CYCLE.length] as (typeof MIX)[number];
    fs.writeFileSync(
      path.join(dir, 'new', `${1_700_000_000 + i}.M${i}P1.bench`),
      bounceMessage(fixture, target, i),
    );
  });
}

interface MailboxRun {
  count: number;
  seconds: number;
  peakRssKb: number | null;
  kinds: Record<string, number>;
  matched: number;
}

async function processMaildir(dir: string, env: Record<string, string>, profileDir: string | null) {
  const run = await runNodeChild(CLI, ['bounces', 'process', dir, '--json'], {
    cwd: REPO,
    env: { ...(process.env as Record<string, string>), ...env },
    nodeFlags: [
      ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      // A cap on the heap: a run that finishes under it holds no more than that.
      ...(values['heap-mb'] ? [`--max-old-space-size=${values['heap-mb']}`] : []),
    ],
    timeoutMs: 600_000,
  });
  if (run.exitCode !== 0) throw new Error(`bounces process exited ${run.exitCode}: ${run.stderr}`);
  const kinds: Record<string, number> = {};
  let matched = 0;
  let count = 0;
  for (const line of run.stdout.split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { kind: string; deliveryId?: number | null };
    count++;
    kinds[row.kind] = (kinds[row.kind] ?? 0) + 1;
    if (row.deliveryId != null) matched++;
  }
  return { count, seconds: run.seconds, peakRssKb: run.peakRssKb, kinds, matched } as MailboxRun;
}

function describeMailbox(run: MailboxRun): string {
  const kinds = Object.entries(run.kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const rss = run.peakRssKb === null ? 'n/a' : `${(run.peakRssKb / 1024).toFixed(0)} MB`;
  return (
    `  ${run.count} messages in ${run.seconds.toFixed(1)} s (${(run.count / run.seconds).toFixed(0)}/s), ` +
    `peak RSS ${rss}; matched ${((100 * run.matched) / run.count).toFixed(1)} %; ${kinds}`
  );
}

/** SendGrid event batches about `targets`: bounces, spam reports, drops, deferrals. */
function sendgridBatches(targets: Target[], size: number): Buffer[] {
  const types = [
    { event: 'bounce', type: 'bounce', reason: '550 5.1.1 user unknown', status: '5.1.1' },
    { event: 'bounce', type: 'bounce', reason: '550 5.1.1 no such user', status: '5.1.1' },
    { event: 'spamreport' },
    { event: 'deferred', response: '451 4.2.2 mailbox full' },
    { event: 'bounce', type: 'blocked', reason: '421 4.7.0 try later', status: '4.7.0' },
  ];
  const bodies: Buffer[] = [];
  for (let start = 0; start < targets.length; start += size) {
    const chunk = targets.slice(start, start + size).map((target, i) => {
      const sig = target.tag.slice(target.tag.indexOf('-') + 1);
      return {
        email: target.recipient,
        timestamp: Math.floor(Date.now() / 1000),
        'smtp-id': `<delivery-${target.id}.${sig}@${MAIL_DOMAIN}>`,
        sg_event_id: `bench-${target.id}`,
        sg_message_id: `msg-${target.id}.filter`,
        bulletin_tag: target.tag,
        ...types[(start + i) % types.length],
      };
    });
    bodies.push(Buffer.from(JSON.stringify(chunk)));
  }
  return bodies;
}

async function postEvents(
  port: number,
  bodies: Buffer[],
  privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
) {
  let next = 0;
  let refused = 0;
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const body = bodies[i] as Buffer;
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), {
        key: privateKey,
        dsaEncoding: 'der',
      }).toString('base64');
      const response = await fetch(`http://127.0.0.1:${port}/api/events/sendgrid`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-twilio-email-event-webhook-signature': signature,
          'x-twilio-email-event-webhook-timestamp': timestamp,
        },
        body,
      });
      await response.arrayBuffer();
      if (response.status >= 300) refused++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: 4 }, worker));
  return { seconds: (performance.now() - start) / 1000, refused };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-bench-bounces-'));
  const database = await createBenchDatabase(dialect, dir);
  const port = await freePort();
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const env: Record<string, string> = {
    VAR_DIR: path.join(dir, 'var'),
    DATABASE_URL: database.url,
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bench-bounces-${randomBytes(4).toString('hex')}`,
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    TRIAL_URL: 'https://publisher.example/trial',
    MAIL_FROM: `Bench Brief <alerts@${MAIL_DOMAIN}>`,
    BOUNCE_ADDRESS: `bounces@${MAIL_DOMAIN}`,
    POSTAL_ADDRESS: '1 Bench Street, Benchville',
    SENDGRID_WEBHOOK_PUBLIC_KEY: keys.publicKey
      .export({ type: 'spki', format: 'der' })
      .toString('base64'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  const app = await openApp(loadSettings(env), { migrate: true, log: pino({ level: 'warn' }) });
  let server: ChildProcess | null = null;
  process.once('SIGINT', () => {
    killRunningChildren();
    server?.kill('SIGKILL');
    process.exit(130);
  });
  try {
    console.log(
      `bench:bounces on ${dialect} (${database.description}); figures from a machine shared with other work`,
    );
    let start = performance.now();
    const targets = await seedDeliveries(app, 0, small + messages + events);
    console.log(
      `seeded ${targets.length} sent deliveries in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );

    const profileDir = values.profile ? path.join(dir, 'profiles') : null;
    const runs: MailboxRun[] = [];
    for (const [name, from, count] of [
      ['small', 0, small],
      ['full', small, messages],
    ] as const) {
      const maildir = path.join(dir, `maildir-${name}`);
      start = performance.now();
      writeMaildir(maildir, targets.slice(from, from + count));
      console.log(
        `maildir of ${count} messages written in ${((performance.now() - start) / 1000).toFixed(1)} s`,
      );
      const run = await processMaildir(maildir, env, name === 'full' ? profileDir : null);
      runs.push(run);
      console.log(describeMailbox(run));
    }
    const [first, full] = runs as [MailboxRun, MailboxRun];
    if (first.peakRssKb && full.peakRssKb)
      console.log(
        `  peak RSS ${messages} / ${small} messages: ${(full.peakRssKb / first.peakRssKb).toFixed(2)} (flat is 1)`,
      );
    console.log(
      `  ${messages} messages in ${full.seconds.toFixed(1)} s: ${full.seconds <= 30 ? 'within' : 'OVER'} the 30 s goal`,
    );
    if (profileDir)
      for (const line of formatProfileSummary(summarizeProfiles(profileFiles([profileDir]))))
        console.log(`  ${line}`);

    server = await startBulletinServe(env);
    const bodies = sendgridBatches(targets.slice(small + messages), batch);
    const posted = await postEvents(port, bodies, keys.privateKey);
    const recorded = await app.db
      .selectFrom('inbound_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source', '=', 'sendgrid')
      .executeTakeFirstOrThrow();
    const rate = events / posted.seconds;
    console.log(
      `webhook: ${events} SendGrid events in ${bodies.length} signed batches of ${batch}, 4 at a time: ` +
        `${posted.seconds.toFixed(1)} s, ${rate.toFixed(0)} events/s (${rate >= 1000 ? 'meets' : 'BELOW'} 1,000/s); ` +
        `${Number(recorded.n)} recorded, ${posted.refused} batches refused`,
    );
  } finally {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await app.close();
    if (!values.keep) {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    } else console.log(`kept ${dir}`);
  }
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
