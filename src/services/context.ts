import type { Db } from '../../db/connection.js';
import type { Logger } from '../adapters/logger.js';
import type { MailTransport } from '../adapters/mail/mail-transport.js';
import type { Settings } from '../config/settings.js';
import type { EmailRenderer } from '../email/index.js';
import type { WorkQueue } from './work-queue.js';

/** What every use case may need: passed in, never imported, so tests give their own. */
export interface ServiceContext {
  db: Db;
  settings: Settings;
  log: Logger;
  /** The clock; tests and `digests run --now` set it. */
  now: () => Date;
}

/**
 * What reading a personal link or a trial `ref` needs: the keys it may be signed with, the
 * current one first, then any older one kept during a rotation (SECRET_KEY_PREVIOUS).
 */
export interface VerifyContext extends ServiceContext {
  verificationKeys: readonly Buffer[];
}

/** A use case that hands on the next step of a story's flow. */
export interface FlowContext extends ServiceContext {
  queue: WorkQueue;
}

/** What rendering a reader's email needs: the renderer and the key that signs their links. */
export interface RenderContext extends ServiceContext {
  renderer: EmailRenderer;
  secretKey: Buffer;
  /** The keys still accepted (current first); when absent, only `secretKey`. */
  verificationKeys?: readonly Buffer[];
}

/** What sending needs on top of rendering: the mail transport. */
export interface SendContext extends RenderContext {
  transport: MailTransport;
}
