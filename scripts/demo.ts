/**
 * `npm run demo`: seeds sample topics, readers and stories into a fresh database under
 * VAR_DIR (./var by default), runs one full cycle in this process — matching, instant alerts,
 * then the next morning's daily digests — and prints where each email went.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listDeliveries } from '../db/repositories/delivery.repository.js';
import { upsertSiteLicense } from '../db/repositories/site-license.repository.js';
import { DirectWorkQueue } from '../jobs/direct-work-queue.js';
import { openApp, sendContextOf } from '../src/app.js';
import { displayPath } from '../src/config/display-path.js';
import { loadSettings } from '../src/config/settings.js';
import { parseStoriesText } from '../src/domain/story.js';
import { publishStories } from '../src/services/publish-story.service.js';
import { saveReader } from '../src/services/readers.service.js';
import { RuleCatalog } from '../src/services/rule-catalog.js';
import { runScheduleTick } from '../src/services/schedule-tick.service.js';
import { subscribe } from '../src/services/subscriptions.service.js';
import { addTopic } from '../src/services/topics.service.js';

const TOPICS = [
  {
    slug: 'export-controls',
    name: 'Export controls',
    query: 'tag:"export controls" OR "entity list" OR dual-use',
  },
  {
    slug: 'russia-sanctions',
    name: 'Russia sanctions',
    query: 'sanction* AND (russia OR russian)',
  },
  { slug: 'customs', name: 'Customs and tariffs', query: 'customs OR tariff*' },
];

const READERS = [
  {
    email: 'maria.lopez@acme-exports.example',
    name: 'María López',
    plan: 'subscriber' as const,
    tz: 'America/New_York',
  },
  {
    email: 'tom.becker@freight.example',
    name: 'Tom Becker',
    plan: 'free' as const,
    tz: 'Europe/Berlin',
  },
  {
    email: 'priya@licensed-law.example',
    name: 'Priya Nair',
    plan: 'free' as const,
    tz: 'Asia/Kolkata',
  },
];

async function main(): Promise<void> {
  const settings = loadSettings();
  if (settings.database.kind === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm'])
      fs.rmSync(`${settings.database.file}${suffix}`, { force: true });
  }
  fs.rmSync(path.join(settings.varDir, 'outbox'), { recursive: true, force: true });
  // The sample stories are from 2026-11-27 and 28; the demo's clock starts on the 28th.
  let now = new Date('2026-11-28T16:00:00Z');
  const app = await openApp(
    { ...settings, logLevel: 'warn' },
    { migrate: true, mail: true, now: () => now },
  );
  try {
    for (const topic of TOPICS) await addTopic(app, topic);
    for (const reader of READERS)
      await saveReader(app, { ...reader, trialEndsAt: null, marketingConsent: false });
    await upsertSiteLicense(app.db, 'licensed-law.example', null, now);
    await subscribe(app, {
      email: READERS[0]!.email,
      topic: 'export-controls',
      cadence: 'instant',
    });
    await subscribe(app, {
      email: READERS[0]!.email,
      topic: 'russia-sanctions',
      cadence: 'daily',
      sendAt: '07:00',
    });
    await subscribe(app, {
      email: READERS[1]!.email,
      topic: 'customs',
      cadence: 'daily',
      sendAt: '08:00',
    });
    await subscribe(app, {
      email: READERS[1]!.email,
      topic: 'export-controls',
      cadence: 'daily',
      sendAt: '08:00',
    });
    await subscribe(app, {
      email: READERS[2]!.email,
      query: 'ofac OR "shadow fleet"',
      cadence: 'weekly',
      sendAt: '09:00',
      weekday: 1,
    });

    const storiesFile = path.join(import.meta.dirname, 'demo-data', 'stories.json');
    const queue = new DirectWorkQueue();
    const ctx = { ...sendContextOf(app), queue };
    const catalog = new RuleCatalog(app.db, app.log);
    const report = await publishStories(
      ctx,
      parseStoriesText(fs.readFileSync(storiesFile, 'utf8')),
    );
    console.log(
      `Seeded ${TOPICS.length} topics, ${READERS.length} readers, ${report.created} stories.`,
    );
    await queue.drain(ctx, catalog);

    // The next day, past every reader's send time: each daily digest and the Sunday weekly
    // one fall due, once each.
    now = new Date('2026-11-29T12:30:00Z');
    const later = new DirectWorkQueue();
    await runScheduleTick({ ...ctx, queue: later });
    await later.drain({ ...ctx, queue: later }, catalog);

    console.log(`\nEmails (${app.transport!.describe()}):`);
    for (const delivery of (await listDeliveries(app.db)).reverse()) {
      const file = path.join(settings.varDir, 'outbox', `${delivery.messageId?.slice(1, -1)}.eml`);
      console.log(
        `  ${delivery.kind.padEnd(6)} ${delivery.recipient.padEnd(34)} ${delivery.status.padEnd(6)} ${delivery.storyIds.length} stories  ${settings.smtpUrl ? delivery.messageId : displayPath(file)}`,
      );
    }
  } finally {
    await app.close();
  }
}

await main();
