import { WEEKDAYS } from '../domain/subscription.js';
import type { ReaderProfile } from '../services/readers/index.js';
import { countOf } from './help.js';

const ACCESS_REASONS = {
  subscriber: 'plan subscriber',
  trial: 'trial',
  'site-license': 'site license',
  none: 'teasers and trial links',
} as const;

/** `subscribers show` for people: one block per part, every date in ISO 8601 (UTC). */
export function formatReaderProfile(profile: ReaderProfile): string {
  const { reader, access } = profile;
  const lines = [
    `${reader.email}${reader.name ? ` (${reader.name})` : ''}`,
    `  plan:       ${reader.plan}${reader.plan === 'trial' ? ` until ${iso(reader.trialEndsAt)}` : ''}`,
    `  access:     ${access.full ? 'full stories' : 'teasers'}, by ${ACCESS_REASONS[access.reason]}${accessDetail(profile)}`,
    `  time zone:  ${reader.tz}`,
    `  status:     ${reader.status}`,
    `  marketing:  ${reader.marketingConsent ? `consented (${reader.consentSource ?? 'source unknown'}, ${iso(reader.consentAt)})` : 'no consent'}`,
    `  suppressed: ${profile.suppression ? `${profile.suppression.reason} since ${iso(profile.suppression.createdAt)}` : 'no'}`,
    `  added:      ${iso(reader.createdAt)}`,
    '',
    countOf(profile.subscriptions.length, 'subscription'),
    ...profile.subscriptions.map(
      (s) =>
        `  ${s.topicSlug ?? `query: ${s.query}`}  ${s.cadence}${schedule(s)}${s.paused ? '  paused' : ''}  next: ${s.cadence === 'instant' ? 'as stories come' : iso(s.nextDueAt)}`,
    ),
    '',
    `latest digests (${profile.digests.length})`,
    ...profile.digests.map(
      (d) =>
        `  ${iso(d.createdAt)}  ${d.cadence === 'instant' ? 'alert' : d.cadence} ${d.cadence === 'instant' ? '' : d.periodKey}  ${countOf(d.storyCount, 'story', 'stories')}`,
    ),
    '',
    `latest deliveries (${profile.deliveries.length})`,
    ...profile.deliveries.map(
      (d) =>
        `  ${d.id}  ${iso(d.createdAt)}  ${d.kind}  ${d.status}${d.error ? `  ${d.error}` : ''}`,
    ),
  ];
  return lines.join('\n');
}

function accessDetail(profile: ReaderProfile): string {
  const { access } = profile;
  if (access.license)
    return ` (${access.license.domain}${access.license.until ? ` until ${iso(access.license.until)}` : ''})`;
  if (access.reason === 'none' && access.trialEndsAt)
    return ` (trial ended ${iso(access.trialEndsAt)})`;
  if (access.reason === 'trial') return ` until ${iso(access.trialEndsAt)}`;
  return '';
}

function schedule(s: ReaderProfile['subscriptions'][number]): string {
  if (s.cadence === 'instant') return '';
  const day = s.weekday ? ` ${WEEKDAYS[s.weekday - 1]}` : s.weekdays ? ' weekdays' : '';
  return `${day} ${s.sendAt}`;
}

function iso(date: Date | null): string {
  return date ? date.toISOString() : '-';
}
