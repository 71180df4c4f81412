/**
 * `npm run demo`: seeds sample topics, readers and stories into a database of its own, runs
 * one full cycle in this process — matching, instant alerts, then the next days' daily and
 * weekly digests — and prints each reader and where each email went.
 *
 * It never touches the user's installation: everything lives in `./var/demo` (or DEMO_DIR),
 * a SQLite file and an outbox there, whatever VAR_DIR, DATABASE_URL, SMTP_URL or
 * QUEUE_PREFIX say, and its queue prefix is `bulletin-demo` (the cycle runs in-process, so
 * Redis is not even used). A second run replaces only that directory's demo data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listDeliveries } from '../db/repositories/delivery.repository.js';
import { upsertSiteLicense } from '../db/repositories/site-license.repository.js';
import { DirectWorkQueue } from '../jobs/direct-work-queue.js';
import { openApp, sendContextOf } from '../src/app.js';
import { displayPath } from '../src/config/display-path.js';
import type { Settings } from '../src/config/settings.js';
import { loadSettings } from '../src/config/settings.js';
import { parseStoriesText } from '../src/domain/story.js';
import { runScheduleTick } from '../src/services/digests/schedule-tick.service.js';
import { showReader } from '../src/services/readers/reader-profile.service.js';
import { saveReader } from '../src/services/readers/readers.service.js';
import { subscribe } from '../src/services/readers/subscriptions.service.js';
import { publishStories } from '../src/services/stories/publish-story.service.js';
import { RuleCatalog } from '../src/services/topics/rule-catalog.js';
import { addTopic } from '../src/services/topics/topics.service.js';

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

/** The demo's own settings: its directory, database, outbox and queue prefix, nothing else's. */
function demoSettings(): Settings {
  const dir = path.resolve(process.env.DEMO_DIR?.trim() || path.join('var', 'demo'));
  const env: NodeJS.ProcessEnv = { ...process.env, VAR_DIR: dir, QUEUE_PREFIX: 'bulletin-demo' };
  for (const name of ['DATABASE_URL', 'SMTP_URL', 'SECRET_KEY'] as const) delete env[name];
  return { ...loadSettings(env), logLevel: 'warn' };
}

async function main(): Promise<void> {
  const settings = demoSettings();
  const file = settings.database.kind === 'sqlite' ? settings.database.file : '';
  // Only the demo's own files, in its own directory, are replaced.
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  fs.rmSync(path.join(settings.varDir, 'outbox'), { recursive: true, force: true });
  console.log(`Demo in ${displayPath(settings.varDir)} (your own data is not touched).`);
  // The sample stories are from 2026-11-27 and 28; the demo's clock starts on the 28th.
  let now = new Date('2026-11-28T16:00:00Z');
  const app = await openApp(settings, { migrate: true, mail: true, now: () => now });
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

    // Monday 30 November, 04:00 UTC: past Sunday's daily send times (07:00 in New York and
    // 08:00 in Berlin) and Priya's weekly Monday 09:00 in Kolkata (03:30 UTC); each digest
    // falls due once.
    now = new Date('2026-11-30T04:00:00Z');
    const later = new DirectWorkQueue();
    await runScheduleTick({ ...ctx, queue: later });
    await later.drain({ ...ctx, queue: later }, catalog);

    console.log('\nReaders:');
    for (const reader of READERS) {
      const profile = await showReader(app, reader.email);
      const follows = profile.subscriptions
        .map((s) => `${s.topicSlug ?? 'own query'} ${s.cadence}`)
        .join(', ');
      console.log(
        `  ${reader.email.padEnd(34)} ${reader.plan.padEnd(10)} ${profile.access.full ? `full stories (${profile.access.reason})` : 'teasers and trial links'}; ${follows}`,
      );
    }

    console.log(`\nEmails (${app.transport!.describe()}):`);
    for (const delivery of (await listDeliveries(app.db)).reverse()) {
      const file = path.join(settings.varDir, 'outbox', `${delivery.messageId?.slice(1, -1)}.eml`);
      console.log(
        `  ${delivery.kind.padEnd(6)} ${(delivery.cadence ?? '').padEnd(7)} ${delivery.recipient.padEnd(34)} ${delivery.status.padEnd(6)} ${`${delivery.storyIds.length} ${delivery.storyIds.length === 1 ? 'story' : 'stories'}`.padEnd(10)} ${displayPath(file)}`,
      );
    }
  } finally {
    await app.close();
  }
}

await main();
