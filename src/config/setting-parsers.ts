import path from 'node:path';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { SettingsError, shownValue } from './settings-error.js';

/*
 * How each kind of value is read: numbers, ports, switches, durations, sizes, URLs and
 * addresses. Each parser names the variable in its error and shows the refused value as
 * shownValue allows (never a secret's).
 */

/** Where the data lives: a SQLite file, or a PostgreSQL server. */
export type DatabaseSetting = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** A setting that is `true` or `false`, written out. */
export function parseSwitch(variable: string, value: string): boolean {
  return (
    parseWith(variable, value, z.enum(['true', 'false'], { error: 'must be true or false' })) ===
    'true'
  );
}

/** METRICS_PORT, like PORT: a whole number up to 65535. */
export function parseMetricsPort(value: string | undefined): number | null {
  if (value === undefined) return null;
  return parseWith(
    'METRICS_PORT',
    value,
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(
        z
          .number()
          .min(1, 'must be a port number (1-65535)')
          .max(65535, 'must be a port number (1-65535)'),
      ),
  );
}

export function parseConcurrency(variable: string, value: string): number {
  return parseWith(
    variable,
    value,
    z.coerce.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200'),
  );
}

export function parseWith<T>(variable: string, value: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SettingsError(
    variable,
    `${result.error.issues[0]?.message ?? 'invalid'}${shownValue(variable, String(value))}`,
  );
}

export function parseUrl(
  variable: string,
  text: string,
  protocols: string[],
  { needsHost = false } = {},
): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SettingsError(variable, `not a URL${shownValue(variable, text)}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new SettingsError(
      variable,
      `must start with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${url.protocol}//…")`,
    );
  }
  // `smtp://` parses, with an empty host; the mail would only fail at the first send.
  if (needsHost && url.hostname === '') {
    throw new SettingsError(variable, `names no host${shownValue(variable, text)}`);
  }
  return text;
}

export function parseDurationSetting(variable: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null)
    throw new SettingsError(
      variable,
      `not a duration like 90s, 2m or 1h${shownValue(variable, text)}`,
    );
  return ms;
}

export function parseDatabaseUrl(
  text: string | undefined,
  varDir: string,
  cwd: string,
): DatabaseSetting {
  if (text === undefined) return { kind: 'sqlite', file: path.join(varDir, 'bulletin.db') };
  if (/^postgres(ql)?:\/\//.test(text))
    return { kind: 'postgres', url: parseUrl('DATABASE_URL', text, ['postgres:', 'postgresql:']) };
  const sqlite = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(text);
  if (sqlite)
    return {
      kind: 'sqlite',
      file: sqlite[1] === ':memory:' ? ':memory:' : path.resolve(cwd, sqlite[1] as string),
    };
  throw new SettingsError(
    'DATABASE_URL',
    `must be postgres://… or sqlite:FILE${shownValue('DATABASE_URL', text)}`,
  );
}

export function parseMailbox(variable: string, text: string): { email: string; name: string } {
  const match = /^\s*(?:"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))\s*$/.exec(text);
  const email = match?.[2] ?? match?.[3];
  if (!email || !z.email().safeParse(email).success) {
    throw new SettingsError(
      variable,
      `must be an address like "Name <alerts@example.com>"${shownValue(variable, text)}`,
    );
  }
  return { email, name: match?.[1]?.trim() || 'Bulletin' };
}

export function parseBoolean(variable: string, text: string): boolean {
  const value = text.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new SettingsError(variable, `must be true or false${shownValue(variable, text)}`);
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `10MB`, `512kb`, `1048576`: a size in bytes (units of 1024). */
export function parseByteSize(variable: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  const bytes = match ? Number(match[1]) * (BYTE_UNITS[(match[2] ?? '').toLowerCase()] ?? 0) : 0;
  if (!match || bytes < 1024 || bytes > 1024 ** 3) {
    throw new SettingsError(
      variable,
      `must be a size between 1kb and 1gb, like 10MB or 512kb${shownValue(variable, text)}`,
    );
  }
  return Math.floor(bytes);
}
