import { RULES, type Rule } from './diagnostic-rules.js';
import { statusClass } from './status.js';

/*
 * Hard or soft: what a failed delivery says about the address.
 *
 * A hard bounce suppresses at once, so it is kept for evidence that the ADDRESS is dead: no
 * such user, no such domain, a mailbox that moved. Everything else a server refuses for (a full
 * mailbox, a message too large, a rate limit, our IP on a blocklist, a DMARC or spam verdict, a
 * policy) is about this message or about us, and the reader may well be alive: soft, counted,
 * and only repeated soft bounces suppress. Losing a live reader costs more than two more sends
 * to a dead one. So:
 *
 * - 4.x.x (and 4xx replies) are soft, whatever the words: the server itself says "later".
 * - The server's words come before its code: MTAs put generic codes on specific failures
 *   (`550 5.1.1 … has sent to too many recipients this hour`, `5.0.0 … Mailbox full`).
 * - 5.2.2 (mailbox full), 5.2.3 and 5.3.4 (too large) are soft even in a 5xx, and so are those
 *   words under any code: a mailbox gets emptied, a smaller message gets through (SES and
 *   Postmark count them soft too).
 * - 5.7.x (security or policy: spam, blocklists, DMARC, "access denied") is soft: the receiver
 *   refused our message or our server, not the address. Repeated blocks still suppress, through
 *   the soft limit. The exception is a 5.7.x whose words say the user does not exist.
 * - An account that is disabled, suspended, locked or frozen is soft: its owner may come back,
 *   and three such bounces within the window suppress anyway.
 * - Any other 5.x.x, and a 5xx reply with no enhanced code, is hard (RFC 3463: permanent).
 */

export interface Verdict {
  kind: 'hard' | 'soft';
  /** A few words for the admin: "user unknown", "mailbox full", "5.x.x permanent". */
  why: string;
}

/**
 * What a server's words say, or null: a priority rule wherever its words are, else the rule
 * whose words come first in the text (see RULES).
 */
export function ruleFor(text: string | null | undefined): Verdict | null {
  if (!text) return null;
  let best: { at: number; rule: Rule } | null = null;
  for (const rule of RULES) {
    const at = text.search(rule.test);
    if (at < 0) continue;
    if (rule.priority) return { kind: rule.kind, why: rule.why };
    if (best === null || at < best.at) best = { at, rule };
  }
  return best ? { kind: best.rule.kind, why: best.rule.why } : null;
}

/** What an enhanced code's subject and detail say when the words say nothing (RFC 3463). */
function byCode(status: string): Verdict | null {
  const [, subject, detail] = status.split('.');
  const code = `${subject}.${detail}`;
  if (code === '2.2') return { kind: 'soft', why: 'mailbox full' };
  if (code === '2.3' || code === '3.4') return { kind: 'soft', why: 'message too large' };
  if (code === '1.7' || code === '1.8') return { kind: 'soft', why: 'our sender refused' };
  if (subject === '1') return { kind: 'hard', why: 'bad address' };
  if (code === '2.1') return { kind: 'hard', why: 'mailbox disabled' };
  if (code === '4.4') return { kind: 'hard', why: 'domain unknown' };
  if (subject === '7') return { kind: 'soft', why: 'refused by policy' };
  if (subject === '3' || subject === '4' || subject === '5' || subject === '6') {
    return { kind: 'soft', why: 'receiving system or network' };
  }
  return null;
}

/**
 * Hard or soft, for a recipient whose delivery failed (or for whom the server gave up). The
 * status is the best code at hand (`5.1.1` or `550`); the text is the server's words. `permanent`
 * is what a non-standard bounce says of itself ("This is a permanent error") when no code does.
 */
export function judgeFailure(
  status: string | null,
  text: string | null,
  permanent: boolean | null = null,
): Verdict {
  const cls = statusClass(status);
  const rule = ruleFor(text);
  if (cls === 'transient' || (cls === null && permanent === false)) {
    return { kind: 'soft', why: rule ? `temporary: ${rule.why}` : 'temporary failure' };
  }
  if (status?.includes('.')) {
    const fromCode = byCode(status);
    // Full mailboxes and oversized messages stay soft, whatever the words around them.
    if (
      fromCode?.kind === 'soft' &&
      (fromCode.why === 'mailbox full' || fromCode.why === 'message too large')
    ) {
      return fromCode;
    }
    if (rule) return rule;
    if (fromCode) return fromCode;
  } else if (rule) {
    return rule;
  }
  if (cls === 'permanent' || permanent === true) return { kind: 'hard', why: 'permanent failure' };
  return { kind: 'soft', why: 'failure without a code' };
}
