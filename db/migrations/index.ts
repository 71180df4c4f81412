import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as digestIndexes from './0002-digest-indexes.js';
import * as weekdays from './0003-weekdays.js';
import * as consentAndAttribution from './0004-consent-and-attribution.js';
import * as feeds from './0006-feeds.js';
import * as readerPause from './0007-reader-pause.js';
import * as campaigns from './0008-campaigns.js';
import * as digestsOwed from './0009-digests-owed.js';
import * as bounces from './0010-bounces.js';
import * as deliveryStats from './0011-delivery-stats.js';
import * as privacy from './0012-privacy.js';
import * as retention from './0013-retention.js';
import * as matchRecording from './0015-match-recording.js';
import * as reports from './0016-reports.js';

/**
 * Every migration, in order. Listed statically (not read from the folder) so they run the
 * same under tsx, vitest and any bundler.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-digest-indexes': digestIndexes,
  '0003-weekdays': weekdays,
  '0004-consent-and-attribution': consentAndAttribution,
  '0006-feeds': feeds,
  '0007-reader-pause': readerPause,
  '0008-campaigns': campaigns,
  '0009-digests-owed': digestsOwed,
  '0010-bounces': bounces,
  '0011-delivery-stats': deliveryStats,
  '0012-privacy': privacy,
  '0013-retention': retention,
  '0015-match-recording': matchRecording,
  '0016-reports': reports,
};
