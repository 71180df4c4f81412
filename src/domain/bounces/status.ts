/*
 * Status codes as servers write them: enhanced codes (RFC 3463, `5.1.1`, also `#5.1.1` in
 * Exchange and `(#5.1.1)` in qmail) and three-digit SMTP replies (`550`), found in a DSN's
 * Status and Diagnostic-Code or in the free text of a non-standard bounce.
 */

/** The longest diagnostic kept: one line of the server's words is what an admin needs. */
export const DIAGNOSTIC_MAX = 500;

// RFC 3463 subjects run from 0 to 7; a larger one is a version number (Exim 4.98.1).
const ENHANCED = /(?<![\d.])([245])\.([0-7])\.(\d{1,3})(?![\d.]*\d)/;
const REPLY = /(?<![\d.#+-])([45][0-5]\d)(?![\d.:])/;

/** The first enhanced status code in a text, or null. */
export function enhancedStatusIn(text: string | null | undefined): string | null {
  if (!text) return null;
  const match = ENHANCED.exec(text);
  return match ? `${match[1]}.${Number(match[2])}.${Number(match[3])}` : null;
}

/** The first three-digit SMTP failure reply in a text (550, 452), or null: a 2xx says nothing here. */
export function replyCodeIn(text: string | null | undefined): string | null {
  if (!text) return null;
  const match = REPLY.exec(text);
  return match ? (match[1] as string) : null;
}

/**
 * The most precise status a recipient's fields and words give: the Status field unless it is
 * only a class (`5.0.0`) and the diagnostic names a precise one, else the diagnostic's code,
 * else the SMTP reply code.
 */
export function bestStatus(statusField: string | null, diagnostic: string | null): string | null {
  const fromField = enhancedStatusIn(statusField);
  const fromText = enhancedStatusIn(diagnostic);
  if (fromField && !fromField.endsWith('.0.0')) return fromField;
  if (fromText && (!fromField || fromText[0] === fromField[0])) {
    if (!fromText.endsWith('.0.0') || !fromField) return fromText;
  }
  if (fromField) return fromField;
  return replyCodeIn(diagnostic) ?? replyCodeIn(statusField);
}

/** The class a status stands for: permanent (5), transient (4), success (2), or null. */
export function statusClass(status: string | null): 'permanent' | 'transient' | 'success' | null {
  const first = status?.[0];
  if (first === '5') return 'permanent';
  if (first === '4') return 'transient';
  if (first === '2') return 'success';
  return null;
}

/**
 * A diagnostic on one line: the `smtp;` type label dropped, white space runs squeezed, and cut
 * at DIAGNOSTIC_MAX characters (at a character boundary, with an ellipsis).
 */
export function oneLine(text: string | null | undefined): string | null {
  if (!text) return null;
  const line = text
    .replace(/^\s*(?:smtp|x-[a-z0-9-]+|x-unix|x-postfix)\s*;\s*/i, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters become spaces
    .replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ')
    .trim();
  if (line === '') return null;
  if (line.length <= DIAGNOSTIC_MAX) return line;
  return `${Array.from(line.slice(0, DIAGNOSTIC_MAX))
    .slice(0, DIAGNOSTIC_MAX - 1)
    .join('')}…`;
}
