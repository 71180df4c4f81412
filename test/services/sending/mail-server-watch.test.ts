import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { probeSmtpServer } from '../../../src/adapters/mail/smtp-probe.js';
import {
  type MailServerWatch,
  watchMailServer,
} from '../../../src/services/sending/mail-server.service.js';
import { startFaultSmtpServer } from '../../support/fault-smtp-server.js';
import { waitFor } from '../../support/test-app.js';

let watch: MailServerWatch | null = null;
afterEach(() => watch?.stop());

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

/**
 * A real SMTP server that refuses connections, then answers: one warning when it goes quiet,
 * one line when it is back, and the state in between for `/readyz`.
 */
it('warns once while the mail server does not answer, and says when it answers again', async () => {
  const smtp = await startFaultSmtpServer();
  try {
    await smtp.setMode('closed');
    const { log, lines } = capturedLog();
    const smtpUrl = `smtp://127.0.0.1:${smtp.port}`;
    watch = watchMailServer({ smtpUrl, probe: () => probeSmtpServer(smtpUrl), log, everyMs: 200 });
    const first = await watch.firstCheck;
    expect(first).toMatchObject({
      state: 'not-answering',
      error: expect.stringMatching(/ECONNREFUSED/),
    });
    // Several checks later, still one warning.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(lines.filter((l) => l.event === 'smtp.not_answering')).toHaveLength(1);
    expect(watch.status()).toMatchObject({ state: 'not-answering', since: first.since });

    await smtp.setMode('accept');
    await waitFor(() => watch?.status().state === 'answering', 5000, 'the server answering');
    expect(lines.filter((l) => l.event === 'smtp.answering')).toHaveLength(1);
  } finally {
    await smtp.close();
  }
});

it('names the server with its password masked, in the state and the warning', async () => {
  const smtp = await startFaultSmtpServer();
  try {
    await smtp.setMode('closed');
    const { log, lines } = capturedLog();
    const smtpUrl = `smtp://ops:hunter22@127.0.0.1:${smtp.port}`;
    watch = watchMailServer({ smtpUrl, probe: () => probeSmtpServer(smtpUrl), log });
    expect((await watch.firstCheck).server).toBe(`smtp://ops:***@127.0.0.1:${smtp.port}`);
    expect(JSON.stringify(lines)).toContain(`smtp://ops:***@127.0.0.1:${smtp.port}`);
    expect(JSON.stringify(lines)).not.toContain('hunter22');
  } finally {
    await smtp.close();
  }
});
