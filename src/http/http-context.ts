import type { FlowContext } from '../services/context.js';
import type { QueueInspector } from '../services/operations.service.js';

/** What the web server's routes are given: the flow, the signing key and the queue counts. */
export interface HttpContext extends FlowContext {
  secretKey: Buffer;
  queues: QueueInspector | null;
}
