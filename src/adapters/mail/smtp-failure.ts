/**
 * The one place where a failed send is judged retryable or permanent. The send job asks only
 * `failure.kind` and `failure.hardBounce`; retry budgets live in the job, not here.
 */

/**
 * `unknown`: the message left us and no answer came back (the mail thread died with it in
 * its hands); the server may have taken it, so it is neither retried nor failed.
 */
export type SendFailureKind = 'retryable' | 'permanent' | 'unknown';

export interface SendFailureDetails {
  kind: SendFailureKind;
  hardBounce?: boolean;
  smtpCode?: number | null;
  response?: string;
  cause?: unknown;
}

/** A send that did not reach "accepted by the mail server", with what to do about it. */
export class SendFailure extends Error {
  override name = 'SendFailure';
  readonly kind: SendFailureKind;
  /** The server refused the recipient for good: the address should be suppressed. */
  readonly hardBounce: boolean;
  readonly smtpCode: number | null;
  /** The last SMTP reply (or the error text when there was none). */
  readonly response: string;

  constructor(message: string, details: SendFailureDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.hardBounce = details.hardBounce ?? false;
    this.smtpCode = details.smtpCode ?? null;
    this.response = details.response ?? message;
  }
}

/** The fields nodemailer and Node's socket errors carry; every one may be missing. */
interface ErrorFields {
  message?: unknown;
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
}

/**
 * Codes nodemailer raises before talking to the server about a message it can never send
 * (bad address syntax, no recipient, message too large, forbidden file access): retrying the
 * same message gives the same answer.
 */
const LOCAL_PERMANENT_CODES = new Set([
  'EENVELOPE',
  'EMESSAGE',
  'ECONFIG',
  'EMAXRECIPIENTS',
  'EFILEACCESS',
  'EURLACCESS',
]);

/**
 * Turns whatever a send threw into a {@link SendFailure}.
 *
 * - SMTP 4xx, and 503 (bad command sequence: the session, not the message) → retryable.
 * - SMTP 5xx → permanent; a 5xx answer to RCPT TO is also a hard bounce.
 * - A 5xx answer to AUTH → retryable: it is our credentials, not the message, and the job's
 *   retry budget gives an operator time to fix them before the delivery is given up.
 * - No SMTP reply: connection refused, reset or dropped, timeouts, DNS, TLS, file system
 *   errors → retryable; nodemailer's local envelope/message errors → permanent.
 *
 * A {@link SendFailure} passes through unchanged.
 */
export function classifySmtpError(error: unknown): SendFailure {
  if (error instanceof SendFailure) return error;
  const fields: ErrorFields = typeof error === 'object' && error !== null ? error : {};
  const message =
    typeof fields.message === 'string' && fields.message !== '' ? fields.message : String(error);
  const response = typeof fields.response === 'string' ? fields.response.trim() : '';
  const code = typeof fields.code === 'string' ? fields.code : null;
  const command = typeof fields.command === 'string' ? fields.command.toUpperCase() : null;
  const smtpCode = readSmtpCode(fields.responseCode, response);
  const details = { smtpCode, response: response || message, cause: error };

  if (smtpCode !== null) {
    const where = command ? ` at ${command}` : '';
    const text = `SMTP ${smtpCode}${where}: ${response || message}`;
    const permanent =
      smtpCode >= 500 && smtpCode !== 503 && code !== 'EAUTH' && !command?.startsWith('AUTH');
    if (!permanent) return new SendFailure(text, { ...details, kind: 'retryable' });
    return new SendFailure(text, {
      ...details,
      kind: 'permanent',
      hardBounce: command === 'RCPT TO',
    });
  }
  if (code !== null && LOCAL_PERMANENT_CODES.has(code)) {
    return new SendFailure(message, { ...details, kind: 'permanent' });
  }
  return new SendFailure(message, { ...details, kind: 'retryable' });
}

/** The reply code nodemailer parsed, or the leading three digits of the reply text. */
function readSmtpCode(responseCode: unknown, response: string): number | null {
  if (typeof responseCode === 'number' && responseCode >= 200 && responseCode < 600) {
    return responseCode;
  }
  const match = /^([2-5]\d\d)[\s-]/.exec(response);
  return match?.[1] ? Number(match[1]) : null;
}
