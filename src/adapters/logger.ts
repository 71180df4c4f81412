import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured logs with a stable `event` key (`digest.sent`, `send.retry`), written to stderr so
 * a command's own output on stdout (`--json` listings) stays clean.
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}
