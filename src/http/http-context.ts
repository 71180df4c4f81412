import type { FlowContext } from '../services/context.js';
import type { QueueInspector } from '../services/operations/index.js';

/**
 * What the web server's routes are given: the flow, the key that signs links (and the keys
 * that verify them, during a rotation), and the queue counts.
 */
export interface HttpContext extends FlowContext {
  secretKey: Buffer;
  verificationKeys: readonly Buffer[];
  queues: QueueInspector | null;
}
