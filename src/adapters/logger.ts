import { createRequire } from 'node:module';
import { type Logger, pino } from 'pino';

/** Loaded only for LOG_FORMAT=pretty: it takes a noticeable part of a CLI command's start. */
const requireLazily = createRequire(import.meta.url);

export type { Logger };

/** How log lines are written: JSON for collectors, or readable lines for a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * Structured logs with a stable `event` key (`digest.sent`, `send.retry`), written to stderr so
 * a command's own output on stdout (`--json` listings, the start banner) stays clean.
 * `pretty` (LOG_FORMAT) writes each event as one readable line, coloured on a terminal; the
 * fields are the same.
 */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  if (format === 'json') return pino({ level, base: undefined }, pino.destination(2));
  return pino({ level, base: undefined }, prettyStream());
}

/** pino-pretty in this thread, synchronous on stderr: no line is lost when the process exits. */
function prettyStream() {
  const pretty = requireLazily('pino-pretty') as typeof import('pino-pretty');
  return pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The event key leads the line; the message, if any, follows it.
    messageFormat: '{if event}{event}{end}{if msg} {msg}{end}',
    ignore: 'event',
    singleLine: true,
  });
}

/**
 * A warning logged at most once per `intervalMs` for each key. A client that retries a lost
 * connection reports every attempt; an outage should read as one event (and a line now and
 * then while it lasts, with how many reports it folded in), not a flood.
 */
export function createThrottledWarn(
  log: Logger,
  intervalMs = 30_000,
): (key: string, fields: Record<string, unknown>) => void {
  const last = new Map<string, { at: number; folded: number }>();
  return (key, fields) => {
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < intervalMs) {
      seen.folded++;
      return;
    }
    last.set(key, { at: now, folded: 0 });
    log.warn({ ...fields, ...(seen?.folded ? { repeated: seen.folded } : {}) });
  };
}
