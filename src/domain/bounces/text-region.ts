/*
 * The part of a bounce's text that speaks about the failure: everything before the copy of the
 * original message. The copy is our own newsletter, whose words ("blocked", "unsubscribe", an
 * address) must not be read as the server's.
 */

/** The most of a bounce's own words read: MTAs write a few lines per recipient. */
export const REGION_MAX = 32 * 1024;

const ORIGINAL_MARKER = new RegExp(
  [
    // qmail, Yahoo: "--- Below this line is a copy of the message."
    String.raw`^-{2,}\s*Below this line is a copy of the message`,
    // Exim: "------ This is a copy of the message, including all the headers. ------"
    String.raw`^-{2,}\s*This is a copy of (?:the|your) message`,
    // Gmail, Google Groups, Sendmail, others: "----- Original message -----"
    String.raw`^\s*-{2,}\s*(?:Original|Returned|Forwarded|Undelivered) (?:message|mail)`,
    String.raw`^\s*-{2,}\s*(?:The )?(?:header|headers) (?:of the original message|follow)`,
    // Exchange, Office 365: "Original message headers:"
    String.raw`^\s*Original message headers:`,
    String.raw`^\s*-{2,}\s*Message header follows`,
    // DragonFly, IMail, OpenSMTPD: "Message headers follow.", "Original message follows."
    String.raw`^\s*(?:Message headers follow|Original message follows|Below is a copy of the original message)`,
    String.raw`^\s*Original Message:?\s*$`,
    String.raw`^\s*-{3,}\s*(?:Original|Below this line)`,
    // A quoted header block with no marker before it
    String.raw`^(?:Return-Path|Received|DKIM-Signature|ARC-Seal|X-Received):[ \t]`,
  ].join('|'),
  'im',
);

/*
 * Where the original begins is asked several times of the same text (by each reader and the
 * tags); the last answer is kept, as the marker search is the costliest pattern here.
 */
let lastText: string | null = null;
let lastAt = -1;

function markerAt(text: string): number {
  if (text !== lastText) {
    const head = text.length > 4 * REGION_MAX ? text.slice(0, 4 * REGION_MAX) : text;
    lastAt = head.search(ORIGINAL_MARKER);
    lastText = text;
  }
  return lastAt;
}

/** The text before the quoted original, capped at REGION_MAX. */
export function beforeOriginal(text: string): string {
  const at = markerAt(text);
  const end = at < 0 ? REGION_MAX : Math.min(at, REGION_MAX);
  return text.length > end ? text.slice(0, end) : text;
}

/** The quoted original in a bounce's text, if it quotes one: from the marker on. */
export function quotedOriginal(text: string): string | null {
  const at = markerAt(text);
  return at < 0 ? null : text.slice(at, at + 4 * REGION_MAX);
}

const PERMANENT =
  /permanent(?:ly)? (?:error|failure|fatal)|failed permanently|This is a permanent|given up|giving up|could not be delivered|couldn'?t be delivered|wasn'?t delivered|was not delivered|unable to deliver|delivery has failed|delivery failed|did not reach|cannot be reached|could not be reached|has failed|undeliverable|returned to sender/i;
const TEMPORARY =
  /has been delayed|will be retried|temporary (?:error|failure)|This is a temporary|has not yet been delivered|not yet been delivered|still trying|delivery delayed|delayed mail|I'll (?:keep|continue) trying|will continue (?:to try|trying)|transient non-fatal|Warning: message|no action is required on your part/i;

/**
 * What a non-standard bounce says of itself when its codes do not: true "permanent", false
 * "still trying", null when it says neither. Permanent wins a tie: a final failure may quote
 * the temporary errors that came before it.
 */
export function permanence(region: string): boolean | null {
  if (PERMANENT.test(region)) return true;
  if (TEMPORARY.test(region)) return false;
  return null;
}
