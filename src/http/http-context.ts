import type { FlowContext } from '../services/context.js';
import type { QueueInspector } from '../services/operations/index.js';
import type { MailServerWatch } from '../services/sending/index.js';
import type { SnsFetcher } from './events/sns-fetch.js';
import type { AttemptLimit } from './failed-attempts.js';

/**
 * What the web server's routes are given: the flow, the key that signs links (and the keys
 * that verify them, during a rotation), and the queue counts.
 */
export interface HttpContext extends FlowContext {
  secretKey: Buffer;
  verificationKeys: readonly Buffer[];
  queues: QueueInspector | null;
  /** In a process that sends over SMTP: whether its mail server answers, for `/readyz`. */
  mailServer?: MailServerWatch | null;
  /** How the SES webhook fetches SNS certificates and SubscribeURLs; tests give their own. */
  snsFetch?: SnsFetcher;
  /** Wrong bearer tokens allowed per client address (failed-attempts.ts has the default). */
  apiTokenLimit?: AttemptLimit;
}
