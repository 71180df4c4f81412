import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { type App, openApp } from '../../src/app.js';
import { loadSettings, type Settings } from '../../src/config/settings.js';
import { createTestDatabase, type Dialect, type TestDatabase } from './test-database.js';
import { deleteQueueKeys, TEST_REDIS_URL, uniqueQueuePrefix } from './test-redis.js';

export interface TestApp {
  app: App;
  settings: Settings;
  database: TestDatabase;
  /** The environment a child `bulletin` process needs to share this app's state. */
  env: Record<string, string>;
  /** Moves the app's clock. */
  setNow(date: Date): void;
  close(): Promise<void>;
}

/**
 * A Bulletin app on a fresh database of the given dialect, with its own var directory, queue
 * prefix and (when given) SMTP server; migrated and ready.
 */
export async function createTestApp(
  dialect: Dialect,
  options: { smtpUrl?: string; redis?: boolean; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const varDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-var-'));
  const queuePrefix = uniqueQueuePrefix();
  const env: Record<string, string> = {
    VAR_DIR: varDir,
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    MAIL_FROM: 'Trade Compliance Brief <alerts@brief.example>',
    POSTAL_ADDRESS: '1 Test Street, Testville',
    PUBLIC_BASE_URL: 'https://brief.example',
    SEND_RETRY_DELAY: '50ms',
    SEND_ATTEMPTS: '3',
    ALERT_WINDOW: '2m',
    LOG_LEVEL: 'silent',
    ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : {}),
    ...options.env,
  };
  const settings = loadSettings(env);
  let now: Date | null = null;
  const app = await openApp(settings, {
    migrate: true,
    redis: options.redis ?? false,
    mail: true,
    now: () => now ?? new Date(),
    log: pino({ level: 'silent' }),
  }).catch(async (error: unknown) => {
    await database.drop();
    fs.rmSync(varDir, { recursive: true, force: true });
    throw error;
  });
  return {
    app,
    settings,
    database,
    env,
    setNow: (date) => {
      now = date;
    },
    async close() {
      await app.close();
      await database.drop();
      await deleteQueueKeys(queuePrefix);
      fs.rmSync(varDir, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` returns a value (not undefined/false), polling every 25 ms. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
