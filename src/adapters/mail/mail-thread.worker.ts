/*
 * The mail thread: composes each message (MIME, quoted-printable, DKIM) and hands it to the
 * transport the settings describe, beside the thread that reads the database and renders.
 * Started by `mail-thread.ts`; it answers every request with the transport's own result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createMailTransport } from './create-mail-transport.js';
import type { MailThreadAnswer, MailThreadRequest } from './mail-thread.js';
import type { MailSettings } from './mail-transport.js';
import { classifySmtpError } from './smtp-failure.js';

const port = parentPort;
if (!port) throw new Error('mail-thread.worker.ts runs only as a worker thread');

const post = (answer: MailThreadAnswer) => port.postMessage(answer);
const transport = createMailTransport({
  ...(workerData.settings as Omit<MailSettings, 'onConnectionError'>),
  onConnectionError: (error) => post({ type: 'connection-error', message: error.message }),
});

let inFlight = 0;
let closing = false;

/** Closes once the last send has answered: an answer posted after the port closed is lost. */
function closeWhenIdle(): void {
  if (!closing || inFlight > 0) return;
  void transport.close().finally(() => {
    post({ type: 'closed' });
    port?.close();
  });
}

port.on('message', (request: MailThreadRequest) => {
  if (request.type === 'close') {
    closing = true;
    closeWhenIdle();
    return;
  }
  inFlight++;
  transport
    .send(request.email)
    .then(
      (result) => post({ type: 'sent', id: request.id, result }),
      (error: unknown) => {
        const failure = classifySmtpError(error);
        post({
          type: 'failed',
          id: request.id,
          failure: {
            message: failure.message,
            kind: failure.kind,
            hardBounce: failure.hardBounce,
            smtpCode: failure.smtpCode,
            response: failure.response,
          },
        });
      },
    )
    .finally(() => {
      inFlight--;
      closeWhenIdle();
    });
});
