import fs from 'node:fs';
import type { App, AppOptions } from '../app.js';
import { displayPath } from '../config/display-path.js';
import { loadSettings, type Settings } from '../config/settings.js';
import { SettingsError } from '../config/settings-error.js';

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

export interface CommandAppOptions extends AppOptions {
  /**
   * The command may create the SQLite file (`db migrate`). Every other one-shot command
   * refuses a file that is not there: opening it would create an empty installation, and a
   * typo in DATABASE_URL would answer "(none)" to every listing.
   */
  createDatabase?: boolean;
}

/** Opens the app for one command and always closes it, so the process can exit. */
export async function withApp<T>(
  options: CommandAppOptions,
  run: (app: App) => Promise<T>,
): Promise<T> {
  const { createDatabase, ...appOptions } = options;
  const settings = loadSettings();
  if (!createDatabase) requireExistingDatabase(settings);
  // One-shot commands print their result; their progress logs are noise unless asked for.
  if (!process.env.LOG_LEVEL) settings.logLevel = 'warn';
  wiring ??= await import('../app.js');
  const app = await wiring.openApp(settings, { migrate: true, ...appOptions });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

/**
 * Refuses a SQLite database that does not exist. Named in DATABASE_URL, it is a setting that
 * points nowhere (exit 2). The default file under VAR_DIR is missing on a fresh machine until
 * `db migrate` or `start` makes it: that is no mistake of the user's, but the command cannot
 * run yet (exit 1).
 */
function requireExistingDatabase(settings: Settings): void {
  const database = settings.database;
  if (database.kind !== 'sqlite' || database.file === ':memory:' || fs.existsSync(database.file))
    return;
  const file = displayPath(database.file);
  if (process.env.DATABASE_URL?.trim())
    throw new SettingsError(
      'DATABASE_URL',
      `no SQLite database at ${file}: correct the path, or create it with \`bulletin db migrate\``,
    );
  throw new Error(
    `no database yet at ${file}: run \`bulletin db migrate\` (or \`bulletin start\`) to create it, or set DATABASE_URL to an existing one`,
  );
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
