import type { Db } from '../../../db/connection.js';
import {
  findSoftBouncedDeliveries,
  latestCleanDeliveryBetween,
  suppressForBounce,
} from '../../../db/repositories/bounce.repository.js';
import { setReaderStatus } from '../../../db/repositories/reader.repository.js';
import type { BounceSettings } from '../../config/settings.js';
import type { BounceSource } from '../../domain/bounce-record.js';
import type { SuppressionReason } from '../../domain/suppression.js';

/*
 * What a matched report does to the address (README, "Bounces and complaints"):
 * - hard: suppressed at once (`hard-bounce`), with the status and the server's words;
 * - soft: counted; BOUNCE_SOFT_LIMIT soft bounces of distinct deliveries within
 *   BOUNCE_SOFT_WINDOW, with no successful delivery between, suppress (`soft-bounce`);
 * - complaint: suppressed (`complaint`): no mail of any kind goes to the address again;
 * - unsubscribe (a feedback loop's or provider's opt-out): what the reader's own one-click
 *   unsubscribe from all mail does: the reader unsubscribed, the address suppressed.
 * Run inside the transaction that records the report, after its row is written.
 */

export interface MatchedReport {
  kind: 'hard' | 'soft' | 'complaint' | 'unsubscribe';
  /** The delivery's recipient. */
  recipient: string;
  status: string | null;
  diagnostic: string | null;
  source: BounceSource;
}

/** The suppression the report called for, in force now; null when it calls for none (yet). */
export async function applyBouncePolicy(
  db: Db,
  settings: BounceSettings,
  report: MatchedReport,
  now: Date,
): Promise<SuppressionReason | null> {
  const said = detailOf(report.status, report.diagnostic);
  switch (report.kind) {
    case 'hard':
      return suppressForBounce(db, report.recipient, 'hard-bounce', said, now);
    case 'complaint':
      return suppressForBounce(db, report.recipient, 'complaint', said, now);
    case 'unsubscribe':
      await setReaderStatus(db, report.recipient, 'unsubscribed', now);
      return suppressForBounce(
        db,
        report.recipient,
        'unsubscribed',
        `opt-out reported by ${report.source}${said ? `: ${said}` : ''}`,
        now,
      );
    case 'soft': {
      const counted = await countSoftBounces(db, settings, report.recipient, now);
      if (counted < settings.softLimit) return null;
      const days = Math.round(settings.softWindowMs / 86_400_000);
      const detail = `${counted} soft bounces within ${days}d${said ? `; the last: ${said}` : ''}`;
      return suppressForBounce(db, report.recipient, 'soft-bounce', cap(detail), now);
    }
  }
}

/**
 * Soft bounces of distinct deliveries to the address within the window that came after its
 * latest successful delivery: one sent, with no bounce, before a later soft-bounced delivery.
 * (A delivery sent after the last soft-bounced one proves nothing yet: its bounce may be on
 * its way.)
 */
async function countSoftBounces(
  db: Db,
  settings: BounceSettings,
  recipient: string,
  now: Date,
): Promise<number> {
  const since = new Date(now.getTime() - settings.softWindowMs);
  const soft = (await findSoftBouncedDeliveries(db, recipient, since)).sort(
    (a, b) => a.sentAt.getTime() - b.sentAt.getTime(),
  );
  if (soft.length < settings.softLimit) return soft.length;
  const first = soft[0]?.sentAt as Date;
  const last = soft[soft.length - 1]?.sentAt as Date;
  const clean = await latestCleanDeliveryBetween(db, recipient, first, last);
  if (!clean) return soft.length;
  return soft.filter((s) => s.sentAt.getTime() > clean.getTime()).length;
}

/** "5.1.1 user unknown": the status and the server's words, on one line, capped. */
export function detailOf(status: string | null, diagnostic: string | null): string | null {
  const text = [status, diagnostic].filter((part) => part && part.trim() !== '').join(' ');
  return text === '' ? null : cap(text);
}

const DETAIL_MAX = 500;

function cap(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > DETAIL_MAX ? `${line.slice(0, DETAIL_MAX - 1)}…` : line;
}
