import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../module-worker.js';
import { createMailTransport } from './create-mail-transport.js';
import type { MailSettings, MailTransport, OutgoingEmail, SendResult } from './mail-transport.js';
import { SendFailure, type SendFailureKind } from './smtp-failure.js';

/** What the calling thread asks of the mail thread. */
export type MailThreadRequest =
  | { type: 'send'; id: number; email: OutgoingEmail }
  | { type: 'close' };

/** What the mail thread answers. */
export type MailThreadAnswer =
  | { type: 'sent'; id: number; result: SendResult }
  | {
      type: 'failed';
      id: number;
      failure: {
        message: string;
        kind: SendFailureKind;
        hardBounce: boolean;
        smtpCode: number | null;
        response: string;
      };
    }
  | { type: 'connection-error'; message: string }
  | { type: 'closed' };

interface Waiting {
  resolve: (result: SendResult) => void;
  reject: (error: SendFailure) => void;
}

const CLOSE_GRACE_MS = 15_000;

/**
 * The transport the settings describe, run on a thread of its own. Composing a message
 * (MIME parts, quoted-printable, the DKIM signature) and moving it through nodemailer's SMTP
 * client cost as much CPU as reading the digest and rendering it; on a thread of their own
 * they take the second core.
 *
 * A send the thread never answered (the thread died under it) fails as `unknown`: the
 * server may have taken the message, so it must not be sent again blindly. The next send
 * starts a new thread.
 */
export function createThreadedMailTransport(
  settings: MailSettings,
  options: { onThreadStart?: (thread: Worker) => void } = {},
): MailTransport {
  // Made here as well, unused, so that a bad setting (a malformed SMTP_URL, a bad DKIM key)
  // throws at start in this thread, as the unthreaded transport does.
  const { onConnectionError, ...cloneable } = settings;
  const probe = createMailTransport(cloneable);
  const describe = probe.describe();
  void probe.close();

  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let thread: Worker | null = null;
  let closing: Promise<void> | null = null;

  const failAll = (message: string) => {
    for (const { reject } of waiting.values())
      reject(new SendFailure(message, { kind: 'unknown' }));
    waiting.clear();
  };

  const start = (): Worker => {
    const worker = startModuleWorker(import.meta.url, './mail-thread.worker.ts', {
      workerData: { settings: cloneable },
    });
    worker.on('message', (answer: MailThreadAnswer) => {
      if (answer.type === 'connection-error') {
        onConnectionError?.(new Error(answer.message));
        return;
      }
      if (answer.type === 'closed') return;
      const entry = waiting.get(answer.id);
      if (!entry) return;
      waiting.delete(answer.id);
      if (answer.type === 'sent') entry.resolve(answer.result);
      else entry.reject(new SendFailure(answer.failure.message, answer.failure));
    });
    worker.on('error', (error) => {
      onConnectionError?.(new Error(`the mail thread failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (thread === worker) thread = null;
      if (waiting.size > 0)
        failAll(`the mail thread stopped (exit ${code}) with the message in its hands`);
    });
    // Idle, the thread must not keep the process alive.
    worker.unref();
    options.onThreadStart?.(worker);
    return worker;
  };

  return {
    send(email: OutgoingEmail): Promise<SendResult> {
      if (closing)
        return Promise.reject(
          new SendFailure('the mail transport is closed', { kind: 'retryable' }),
        );
      thread ??= start();
      const id = nextId++;
      const worker = thread;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ type: 'send', id, email } satisfies MailThreadRequest);
      }).finally(() => {
        if (waiting.size === 0) worker.unref();
      }) as Promise<SendResult>;
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        const worker = thread;
        if (!worker) return resolve();
        worker.ref();
        // Sends in flight finish first; a thread that does not stop within the grace period
        // (a server that never answers) is stopped.
        const stop = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
        worker.once('exit', () => {
          clearTimeout(stop);
          resolve();
        });
        worker.postMessage({ type: 'close' } satisfies MailThreadRequest);
      });
      return closing;
    },
    describe: () => describe,
  };
}
