import { type App, type AppOptions, openApp } from '../app.js';

export {
  campaignContextOf,
  feedContextOf,
  flowContextOf,
  openQueueKeys,
  queueAdminOf,
  renderContextOf,
  sendContextOf,
} from '../app.js';

import { loadSettings } from '../config/settings.js';

/** Opens the app for one command and always closes it, so the process can exit. */
export async function withApp<T>(options: AppOptions, run: (app: App) => Promise<T>): Promise<T> {
  const settings = loadSettings();
  // One-shot commands print their result; their progress logs are noise unless asked for.
  if (!process.env.LOG_LEVEL) settings.logLevel = 'warn';
  const app = await openApp(settings, { migrate: true, ...options });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}
