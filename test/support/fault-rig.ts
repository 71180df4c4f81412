import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import {
  type BulletinProcess,
  crashLines,
  type LogEvent,
  parseLog,
  spawnBulletin,
} from './bulletin-process.js';
import { type FaultSmtpServer, startFaultSmtpServer } from './fault-smtp-server.js';
import { runCli } from './run-cli.js';
import { createTestApp, type TestApp } from './test-app.js';
import type { Dialect } from './test-database.js';

const API_TOKEN = 'fault-drill-api-token-0123456789';

/** Settings that let a short outage be ridden out by retries, and alerts go out at once. */
const FAULT_ENV: Record<string, string> = {
  ALERT_WINDOW: '1s',
  SEND_ATTEMPTS: '8',
  SEND_RETRY_DELAY: '500ms',
  API_TOKEN,
};

export interface RigOptions {
  dialect: Dialect;
  readers?: number;
  /** For the app and every command (a private Redis, say). */
  env?: Record<string, string>;
  /** For the `bulletin start` process only, from the app's environment. */
  bulletinEnv?: (env: Record<string, string>) => Record<string, string>;
}

/** A running `bulletin start` with a reader base, a controllable SMTP server and a publisher. */
export interface FaultRig {
  t: TestApp;
  smtp: FaultSmtpServer;
  /** The environment for CLI commands. */
  env: Record<string, string>;
  readers: string[];
  bulletin: BulletinProcess;
  webUrl: string;
  alive(): boolean;
  /** The last `lines` lines of the process's output (its JSON log included). */
  tail(lines?: number): string;
  /** What a crashed process said about why. */
  crash(): string;
  logEvents(): LogEvent[];
  /** Publishes one story through the webhook; the HTTP status, or the error. */
  publish(id: string): Promise<number | string>;
  /** Publishes a story every `everyMs` until stopped. */
  startFlow(label: string, everyMs?: number): { stop(): Promise<FlowReport> };
  close(): Promise<void>;
}

export interface FlowReport {
  attempts: number;
  accepted: number;
  errors: string[];
}

export async function startFaultRig(options: RigOptions): Promise<FaultRig> {
  const smtp = await startFaultSmtpServer();
  const t = await createTestApp(options.dialect, {
    smtpUrl: smtp.url,
    env: { ...FAULT_ENV, ...options.env },
  }).catch(async (error: unknown) => {
    await smtp.close();
    throw error;
  });
  const readers = Array.from({ length: options.readers ?? 6 }, (_, i) => `r${i}@corp.example`);
  let bulletin: BulletinProcess;
  try {
    await seedReaders(t, readers);
    bulletin = await spawnBulletin(['start'], {
      ...t.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...options.bulletinEnv?.(t.env),
    });
  } catch (error) {
    await smtp.close();
    await t.close();
    throw error;
  }
  const webUrl = bulletin.webUrl ?? '';
  const publish = (id: string) => publishStory(webUrl, id);

  return {
    t,
    smtp,
    env: t.env,
    readers,
    bulletin,
    webUrl,
    alive: bulletin.alive,
    tail: (lines = 15) => bulletin.output().trimEnd().split('\n').slice(-lines).join('\n'),
    crash: () => crashLines(bulletin.output()),
    logEvents: () => parseLog(bulletin.output()),
    publish,
    startFlow(label, everyMs = 1000) {
      const report: FlowReport = { attempts: 0, accepted: 0, errors: [] };
      let stopped = false;
      const loop = (async () => {
        while (!stopped && bulletin.alive()) {
          const status = await publish(`${label}-${++report.attempts}`);
          if (status === 202) report.accepted++;
          else report.errors.push(String(status));
          // The pace of the publisher, not a wait for a condition.
          if (!stopped) await new Promise((resolve) => setTimeout(resolve, everyMs));
        }
      })();
      return {
        async stop() {
          stopped = true;
          await loop;
          return report;
        },
      };
    },
    async close() {
      const code = await bulletin.stop();
      console.log(`  bulletin stopped with exit status ${code}`);
      await smtp.close();
      await t.close();
    },
  };
}

/** One drill story through the webhook, as the newsroom's system would send it. */
async function publishStory(webUrl: string, id: string): Promise<number | string> {
  const story = {
    id,
    url: `https://brief.example/stories/${id}`,
    headline: `Drill ${id}: customs rule changes`,
    summary: 'A story published while a fault is injected.',
    publishedAt: new Date().toISOString(),
    tags: ['drill'],
  };
  try {
    const response = await fetch(`${webUrl}/api/stories`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(story),
      // A request stuck on the fault must not stop the flow; the story may still be stored.
      signal: AbortSignal.timeout(5000),
    });
    return response.status;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Every reader follows one topic at once; every drill story matches it. */
export async function seedReaders(t: TestApp, readers: string[]): Promise<void> {
  await addTopic(t.app, { slug: 'drill', name: 'Drill', query: 'tag:drill' });
  for (const email of readers) {
    await saveReader(t.app, {
      email,
      name: null,
      plan: 'subscriber',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    await subscribe(t.app, { email, topic: 'drill', cadence: 'instant' });
  }
}

/** `bulletin … --json` parsed, or undefined when the command failed. */
export async function cliJson<T>(
  args: string[],
  env: Record<string, string>,
): Promise<T | undefined> {
  const result = await runCli(args, env);
  if (result.code !== 0) return undefined;
  return JSON.parse(result.stdout) as T;
}
