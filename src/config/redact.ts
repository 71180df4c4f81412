/** What a hidden password is shown as. */
export const MASK = '***';

/** `scheme://user:` (the user may be empty, as in `redis://:password@host`). */
const PASSWORD_START = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:@/?#]*:/g;

/**
 * The password as a URL parser reads it: up to the last `@` before the authority ends
 * (`/`, `?`, `#`), so `p@ss@host` hides `p@ss`.
 */
const PASSWORD_IN_AUTHORITY = /^[^\s/?#]*@/;

/** `host:587/…`: what follows `scheme://host:` when there is no password at all. */
const PORT_THEN_END_OF_AUTHORITY = /^\d*(?:[/?#\s]|$)/;

/**
 * A value that does not parse (a `/` or a space in the password): everything up to the last
 * `@` on the line. Hiding too much is the better mistake here.
 */
const PASSWORD_TO_LAST_AT = /^[^\r\n]*@/;

/** `?password=…`, `&sslpassword=…`, `?auth.pass=…`: passwords given as query parameters. */
const PASSWORD_PARAMETER = /([?&][\w.-]*(?:password|passwd|pass|pwd)=)[^&#\s]*/gi;

/**
 * Hides the passwords of the URLs in `text`, for error messages, log lines and banners:
 * `smtp://user:secret@host:587` becomes `smtp://user:***@host:587`. Works on text, not on a
 * parsed URL, so a value that is not a valid URL is masked too and nothing else changes.
 */
export function maskUrlPassword(text: string): string {
  let masked = '';
  let copiedUpTo = 0;
  for (const start of text.matchAll(PASSWORD_START)) {
    // A match inside a password already hidden is part of that password.
    if (start.index < copiedUpTo) continue;
    const passwordAt = start.index + start[0].length;
    const rest = text.slice(passwordAt);
    const password =
      PASSWORD_IN_AUTHORITY.exec(rest) ??
      (PORT_THEN_END_OF_AUTHORITY.test(rest) ? null : PASSWORD_TO_LAST_AT.exec(rest));
    // `user:@host` has an empty password: nothing to hide.
    if (!password || password[0] === '@') continue;
    masked += `${text.slice(copiedUpTo, passwordAt)}${MASK}@`;
    copiedUpTo = passwordAt + password[0].length;
  }
  masked += text.slice(copiedUpTo);
  return masked.replace(PASSWORD_PARAMETER, `$1${MASK}`);
}
