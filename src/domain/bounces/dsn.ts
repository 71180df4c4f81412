import { addressIn, type Fields, field, parseFieldGroups } from './header-block.js';
import { judgeFailure, ruleFor } from './judge.js';
import { bestStatus, oneLine, statusClass } from './status.js';
import { beforeOriginal } from './text-region.js';
import type { Finding, InboundMessage, RecipientReport } from './types.js';

/*
 * RFC 3464 delivery status notifications: a multipart/report whose message/delivery-status
 * part holds one group of fields for the message, then one per recipient (Final-Recipient,
 * Action, Status, Diagnostic-Code). Some MTAs leave out the blank lines between groups, so a
 * recipient also starts wherever a second Final-Recipient does.
 */

const DELIVERY_STATUS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const RECIPIENT_FIELDS = new Set(['final-recipient', 'original-recipient', 'action', 'status']);

export function readDsn(message: InboundMessage): Finding | null {
  const part = message.parts.find((p) => DELIVERY_STATUS.has(p.contentType));
  const fields = part?.text ?? fieldsInText(message.text);
  if (fields === null) return null;
  const records = recipientRecords(fields);
  if (records.length === 0) return null;
  const human = beforeOriginal(message.text);
  const reports = records.map((record) => reportOf(record, human));
  const whys = reports.map((r) => r.why);
  const first = reports[0] as (typeof reports)[number];
  const more = reports.length > 1 ? `; ${reports.length - 1} more recipient(s)` : '';
  return {
    format: 'dsn',
    reason: `DSN${part ? '' : ' (its fields in the text)'}: Action ${first.report.action ?? 'missing'}, Status ${first.report.status ?? 'missing'} (${whys[0]})${more}`,
    recipients: reports.map((r) => r.report),
  };
}

/**
 * Some MTAs (PMDF, old Sendmail setups) write the DSN fields into the text instead of a part of
 * their own. They count when a recipient field and an Action both start lines there, in the
 * bounce's own words rather than the quoted original.
 */
function fieldsInText(text: string): string | null {
  const region = beforeOriginal(text);
  const start = region.search(
    /^(?:Reporting-MTA|Original-Envelope-Id|Final-Recipient|Original-Recipient):/im,
  );
  if (start < 0 || !/^Action:/im.test(region) || !/^(?:Final|Original)-Recipient:/im.test(region)) {
    return null;
  }
  return region.slice(start);
}

function recipientRecords(text: string): Fields[] {
  const records: [string, string][][] = [];
  for (const group of parseFieldGroups(text)) {
    if (!group.some(([name]) => RECIPIENT_FIELDS.has(name))) continue;
    let current: [string, string][] | null = null;
    for (const [name, value] of group) {
      const startsAnother =
        current !== null &&
        name === 'final-recipient' &&
        current.some(([n]) => n === 'final-recipient');
      if (current === null || startsAnother) {
        current = [];
        records.push(current);
      }
      current.push([name, value]);
    }
  }
  // The per-message group (Reporting-MTA, Arrival-Date) names no recipient and is skipped
  // above; a group with an Action or Status but no recipient still reports one, unnamed.
  return records;
}

function reportOf(record: Fields, human: string): { report: RecipientReport; why: string } {
  // The Original-Recipient is the address as we gave it (RCPT TO); the Final-Recipient may be
  // what an alias or a forward made of it, which names no delivery of ours.
  const recipient =
    addressIn(field(record, 'original-recipient')) ?? addressIn(field(record, 'final-recipient'));
  const action =
    field(record, 'action')
      ?.trim()
      .split(/[\s(;]/)[0]
      ?.toLowerCase() || null;
  const diagnosticField = field(record, 'diagnostic-code');
  const aroundRecipient = recipient ? textAbout(human, recipient) : null;
  const words = diagnosticField ?? aroundRecipient;
  const status = bestStatus(field(record, 'status'), words);
  // The Diagnostic-Code is the server's reply; the text around the recipient may say at
  // which step it came ("after EHLO", "pipe to |procmail"), which the reply alone does not.
  const near = [diagnosticField, aroundRecipient].filter(Boolean).join('\n');
  // Words that name no cause ("255", a bare "550 Rejected") under a code that names none
  // either (5.0.0, 550) are read with the rest of the text.
  const precise = status?.includes('.') === true && !status.endsWith('.0.0');
  const judged = near !== '' && (precise || ruleFor(near)) ? near : `${near}\n${human}`;
  const report: RecipientReport = {
    kind: 'ignored',
    recipient,
    status,
    diagnostic: oneLine(words),
    action,
  };
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') {
    return { report, why: `${action}: not a failure` };
  }
  // A delayed DSN is a progress notice: the server keeps trying, and sends a failed DSN if it
  // gives up. Counting the delay as a soft bounce would count one problem twice.
  if (action === 'delayed') return { report, why: 'delayed: the server is still trying' };
  // A 2.x.x status is a success whatever the Action says ("deliverable", an expansion).
  if (statusClass(status) === 'success') return { report, why: 'success status' };
  const verdict = judgeFailure(status, judged);
  report.kind = verdict.kind;
  return { report, why: verdict.why };
}

/**
 * What a DSN's human-readable text says about one address, for a missing Diagnostic-Code: its
 * line and the lines after it, up to a blank line or the next line that leads with an address
 * (OpenSMTPD writes one `address: reply` line per recipient).
 */
function textAbout(text: string, address: string): string | null {
  const at = text.toLowerCase().indexOf(address);
  if (at < 0) return null;
  const start = text.lastIndexOf('\n', at) + 1;
  const lines = text.slice(start, start + 2000).split('\n');
  const taken: string[] = [lines[0] as string];
  for (const line of lines.slice(1)) {
    if (line.trim() === '' || /^\s*<?[^\s<>@]+@[^\s<>]+>?:/.test(line)) break;
    taken.push(line);
  }
  const paragraph = taken.join(' ').trim();
  // An address on a line of its own says nothing about why; the paragraph after it may.
  if (paragraph.toLowerCase().replace(/[<>:\s]/g, '') === address.replace(/\s/g, '')) {
    const rest = text.slice(start + (lines[0] as string).length).trim();
    return rest.split(/\n[ \t]*\n/)[0]?.slice(0, 1000) || null;
  }
  return paragraph;
}
