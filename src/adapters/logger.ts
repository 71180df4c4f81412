import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured logs with a stable `event` key (`digest.sent`, `send.retry`), written to stderr so
 * a command's own output on stdout (`--json` listings) stays clean.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
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
