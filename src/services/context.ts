import type { Db } from '../../db/connection.js';
import type { Logger } from '../adapters/logger.js';
import type { Settings } from '../config/settings.js';
import type { WorkQueue } from './work-queue.js';

/** What every use case may need: passed in, never imported, so tests give their own. */
export interface ServiceContext {
  db: Db;
  settings: Settings;
  log: Logger;
  /** The clock; tests and `digests run --now` set it. */
  now: () => Date;
}

export interface FlowContext extends ServiceContext {
  queue: WorkQueue;
}
