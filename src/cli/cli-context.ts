import { type App, type AppOptions, openApp } from '../app.js';
import { loadSettings } from '../config/settings.js';
import type { FlowContext } from '../services/context.js';

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

/** The app as a flow context whose hand-ons go to the BullMQ queues. */
export function flowOf(app: App): FlowContext {
  if (!app.bull) throw new Error('this command needs the queues (open the app with redis: true)');
  return { ...app, queue: app.bull.workQueue };
}
