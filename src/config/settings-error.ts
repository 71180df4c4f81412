import { maskUrlPassword } from './redact.js';

/** A setting that cannot be used; the message names the variable and what is wrong. */
export class SettingsError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Bad setting ${variable}: ${problem}`);
    this.name = 'SettingsError';
  }
}

/** Variables whose value no message ever shows, not even in part. */
const SECRET_VARIABLES = new Set([
  'SECRET_KEY',
  'SECRET_KEY_PREVIOUS',
  'API_TOKEN',
  'ADMIN_PASSWORD',
  'DKIM_PRIVATE_KEY',
  'POSTMARK_WEBHOOK_USER',
  'POSTMARK_WEBHOOK_PASSWORD',
  'SENDGRID_WEBHOOK_PUBLIC_KEY',
  'MAILGUN_WEBHOOK_SIGNING_KEY',
]);

/**
 * The refused value, for the end of a message: quoted and escaped (one line whatever it
 * holds), with URL passwords masked; of a secret only its length.
 */
export function shownValue(variable: string, value: string): string {
  if (SECRET_VARIABLES.has(variable)) return ` (got ${value.length} characters, not shown)`;
  return ` (got ${JSON.stringify(maskUrlPassword(value))})`;
}
