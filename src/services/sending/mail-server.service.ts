import type { Logger } from '../../adapters/logger.js';
import { maskUrlPassword } from '../../config/redact.js';

/** What a process that sends knows of its mail server, for the log and `/readyz`. */
export interface MailServerStatus {
  /** SMTP_URL, its password masked. */
  server: string;
  /** `checking` until the first answer (or its failure) is in. */
  state: 'checking' | 'answering' | 'not-answering';
  /** Why it does not answer, in the words of the connection that failed. */
  error?: string;
  /** Since when it has not answered (ISO 8601). */
  since?: string;
  /** When it was last asked (ISO 8601). */
  checkedAt?: string;
}

export interface MailServerWatch {
  /** The latest state; asked while the server does not answer, it is checked again soon. */
  status(): MailServerStatus;
  /** Settles once the first check is in. */
  readonly firstCheck: Promise<MailServerStatus>;
  stop(): void;
}

/** Asked again this often, answering or not: a server gone quiet is noticed within a minute. */
const CHECK_EVERY_MS = 60_000;
/** While it does not answer, a readiness probe's question checks again at most this often. */
const RECHECK_WHEN_ASKED_MS = 5000;

/**
 * Keeps asking the mail server whether it answers (`probe`: connect, greeting, EHLO, login),
 * at start and then every minute, so an unreachable or misconfigured SMTP_URL is a warning
 * when the process starts and whenever it goes quiet, not a silent pile of retries. Nothing is
 * held back meanwhile: sends go on being tried, and wait `queued` between tries.
 */
export function watchMailServer(options: {
  smtpUrl: string;
  probe: () => Promise<void>;
  log: Logger;
  everyMs?: number;
}): MailServerWatch {
  const server = maskUrlPassword(options.smtpUrl);
  const { log } = options;
  let current: MailServerStatus = { server, state: 'checking' };
  let checking: Promise<MailServerStatus> | null = null;
  let lastCheckAt = 0;
  let stopped = false;

  const runCheck = async (): Promise<MailServerStatus> => {
    lastCheckAt = Date.now();
    const checkedAt = new Date().toISOString();
    try {
      await options.probe();
      if (current.state === 'not-answering' && !stopped)
        log.info({ event: 'smtp.answering', server }, `the mail server ${server} answers again`);
      current = { server, state: 'answering', checkedAt };
    } catch (error) {
      const reason = maskUrlPassword(error instanceof Error ? error.message : String(error));
      // One warning when it goes quiet (or is quiet at start), not one a minute.
      if (current.state !== 'not-answering' && !stopped)
        log.warn(
          { event: 'smtp.not_answering', server, error: reason },
          `the mail server ${server} (SMTP_URL) does not answer: ${reason}; mail waits queued and is tried again until it does`,
        );
      const since = current.state === 'not-answering' ? current.since : checkedAt;
      current = { server, state: 'not-answering', error: reason, since, checkedAt };
    }
    return current;
  };
  // One check at a time: a question asked while one runs gets that one's answer.
  const check = (): Promise<MailServerStatus> => {
    if (checking) return checking;
    const running = runCheck().finally(() => {
      checking = null;
    });
    checking = running;
    return running;
  };

  const firstCheck = check();
  const timer = setInterval(() => void check(), options.everyMs ?? CHECK_EVERY_MS);
  timer.unref();
  return {
    status() {
      if (current.state === 'not-answering' && Date.now() - lastCheckAt >= RECHECK_WHEN_ASKED_MS)
        void check();
      return current;
    },
    firstCheck,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
