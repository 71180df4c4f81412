import type { App, AppOptions } from '../app.js';
import { loadSettings } from '../config/settings.js';

/**
 * The composition root, loaded when a command first opens the app: `bulletin --version`,
 * `--help` and a mistyped option never pay for the database, queue and mail modules.
 */
type Wiring = typeof import('../app.js');
let wiring: Wiring | null = null;

function wired(): Wiring {
  if (!wiring) throw new Error('the app is not open: call withApp first');
  return wiring;
}

/** Opens the app for one command and always closes it, so the process can exit. */
export async function withApp<T>(options: AppOptions, run: (app: App) => Promise<T>): Promise<T> {
  const settings = loadSettings();
  // One-shot commands print their result; their progress logs are noise unless asked for.
  if (!process.env.LOG_LEVEL) settings.logLevel = 'warn';
  wiring ??= await import('../app.js');
  const app = await wiring.openApp(settings, { migrate: true, ...options });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

// What a command hands its services, made from the app `withApp` opened.
export const campaignContextOf: Wiring['campaignContextOf'] = (app) =>
  wired().campaignContextOf(app);
export const feedContextOf: Wiring['feedContextOf'] = (app) => wired().feedContextOf(app);
export const flowContextOf: Wiring['flowContextOf'] = (app) => wired().flowContextOf(app);
export const openQueueKeys: Wiring['openQueueKeys'] = (...args) => wired().openQueueKeys(...args);
export const queueAdminOf: Wiring['queueAdminOf'] = (app) => wired().queueAdminOf(app);
export const renderContextOf: Wiring['renderContextOf'] = (app) => wired().renderContextOf(app);
export const startStoryParsing: Wiring['startStoryParsing'] = (app) =>
  wired().startStoryParsing(app);
export const sendContextOf: Wiring['sendContextOf'] = (app) => wired().sendContextOf(app);
