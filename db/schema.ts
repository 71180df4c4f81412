import type { ColumnType, Generated } from 'kysely';

/*
 * Kysely table types. SQLite and PostgreSQL read some values differently (booleans as 1/true,
 * timestamps as ISO text/Date, JSON as text/object); the column types admit both and the
 * mappers in `db/mappers.ts` turn rows into domain values in one place. Writes always use
 * ISO strings, 0/1 and JSON text, which both dialects accept.
 */
export type Timestamp = ColumnType<Date | string, string, string>;
export type NullableTimestamp = ColumnType<Date | string | null, string | null, string | null>;
/** A nullable timestamp added by a later migration: rows inserted without it hold null. */
export type OptionalTimestamp = ColumnType<
  Date | string | null,
  string | null | undefined,
  string | null
>;
export type Bool = ColumnType<number | boolean, number, number>;
export type Json<T> = ColumnType<string | T, string, string>;

/**
 * The log of rule changes: every topic or custom query added, changed or removed. Its last id
 * is the rules version; each worker applies the entries after the version it has to its index.
 */
export interface RuleChangesTable {
  id: Generated<number>;
  /** `t{topicId}` or `s{subscriptionId}`. */
  rule_key: string;
  /** The new query; null when the rule was removed. */
  query: string | null;
  created_at: Timestamp;
}

export interface StoriesTable {
  id: Generated<number>;
  external_id: string;
  url: string;
  headline: string;
  summary: string;
  /** For matching only: cleared ('') once the story is older than RETENTION (the row stays). */
  body: string;
  section: string | null;
  tags: Json<string[]>;
  published_at: Timestamp;
  access: 'subscriber' | 'free';
  /** Bumped by an update that asks to be sent again (`realert`). */
  revision: ColumnType<number, number | undefined, number>;
  /** The last revision the match step finished; below `revision` means matching is owed. */
  matched_revision: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TopicsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  query: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscribersTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  plan: 'subscriber' | 'trial' | 'free' | 'prospect';
  trial_ends_at: NullableTimestamp;
  tz: string;
  status: 'active' | 'unsubscribed';
  marketing_consent: Bool;
  /** Where marketing consent was given (a form, an import) and when; null without consent. */
  consent_source: ColumnType<string | null, string | null | undefined, string | null>;
  consent_at: OptionalTimestamp;
  /** Everything paused until then (the reader's own "pause for N days"); null: not paused. */
  paused_until: OptionalTimestamp;
  /**
   * The reader's own random secret, part of every personal link's signature: erased with the
   * row, so no link signed for them works again. Null only for a row inserted without one
   * (it is made on first use).
   */
  link_secret: ColumnType<string | null, string | null | undefined, string | null>;
  /** Existed before links stopped naming the address: links of that older format still work. */
  legacy_links: ColumnType<number | boolean, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  subscriber_id: number;
  topic_id: number | null;
  query: string | null;
  cadence: 'instant' | 'daily' | 'weekly';
  /** Local send time `HH:MM` in the reader's time zone (daily and weekly). */
  send_at: string;
  /** ISO weekday 1 (Monday) .. 7 (Sunday), weekly only. */
  weekday: number | null;
  /** Daily only: skip Saturdays, Sundays and observed US federal holidays. */
  weekdays: ColumnType<number | boolean, number | undefined, number>;
  paused: Bool;
  /** When the next daily/weekly digest of this subscription is due (UTC). */
  next_due_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface MatchesTable {
  id: Generated<number>;
  subscriber_id: number;
  story_id: number;
  revision: number;
  /** The fastest cadence among the reader's matching subscriptions: where the story goes. */
  cadence: 'instant' | 'daily' | 'weekly';
  /** Every subscription of the reader that matched, for "why you got this". */
  subscription_ids: Json<number[]>;
  digest_id: number | null;
  created_at: Timestamp;
}

export interface DigestsTable {
  id: Generated<number>;
  subscriber_id: number;
  cadence: 'instant' | 'daily' | 'weekly';
  /** `2026-11-28` (daily), `2026-W48` (weekly), the due instant (alerts). */
  period_key: string;
  period_start: Timestamp;
  period_end: Timestamp;
  story_count: number;
  created_at: Timestamp;
  /** When its email (or its emptiness) was recorded; null while the digest is owed. */
  built_at: OptionalTimestamp;
}

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'suppressed';

export interface DeliveriesTable {
  id: Generated<number>;
  kind: 'digest' | 'alert' | 'campaign';
  digest_id: number | null;
  subscriber_id: number | null;
  recipient: string;
  cadence: 'instant' | 'daily' | 'weekly' | null;
  /** Publisher ids of the stories in the email. */
  story_ids: Json<string[]>;
  message_id: string | null;
  status: DeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  /** Why the last attempt failed, or why the delivery was not sent. */
  error: string | null;
  /** The mail server's last reply, success or not (`250 2.0.0 queued as …`). */
  last_reply: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: NullableTimestamp;
}

export interface SuppressionsTable {
  email: string;
  reason: 'unsubscribed' | 'hard-bounce' | 'soft-bounce' | 'complaint' | 'manual';
  /** What the bounce or complaint said; null for other reasons and older rows. */
  detail: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

/** Bytes (bytea in PostgreSQL, blob in SQLite), read back as a Buffer by both drivers. */
export type Bytes = ColumnType<Buffer | Uint8Array, Buffer, Buffer>;

/** A message or provider event that came back after "sent", kept (capped) for review. */
export interface InboundMessagesTable {
  id: Generated<number>;
  source: 'file' | 'smtp' | 'imap' | 'ses' | 'postmark' | 'sendgrid' | 'mailgun';
  /** sha256 of the message (line ends made one), or of the provider and its event id: unique. */
  fingerprint: string;
  received_at: Timestamp;
  subject: string | null;
  sender: string | null;
  /** The first 256 KB. */
  raw: Bytes;
  /** The whole size. */
  raw_bytes: number;
  format: string;
  reason: string;
}

/** What one inbound message or event said about one recipient. */
export interface BouncesTable {
  id: Generated<number>;
  inbound_id: number;
  /** Null when unmatched or ignored; no foreign key (the delivery may be deleted first). */
  delivery_id: number | null;
  kind: 'hard' | 'soft' | 'complaint' | 'unsubscribe' | 'ignored' | 'unmatched';
  recipient: string | null;
  status: string | null;
  diagnostic: string | null;
  source: InboundMessagesTable['source'];
  received_at: Timestamp;
  suppressed: SuppressionsTable['reason'] | null;
}

export interface SiteLicensesTable {
  domain: string;
  until: NullableTimestamp;
  created_at: Timestamp;
}

export interface TrialClicksTable {
  id: Generated<number>;
  email: string;
  story_external_id: string;
  digest_id: number | null;
  campaign_id: number | null;
  created_at: Timestamp;
  /** When a trial was started with this click's `ref`: credits the digest or campaign. */
  trial_started_at: OptionalTimestamp;
}

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'done' | 'cancelled';

export interface CampaignsTable {
  id: Generated<number>;
  name: string;
  subject: string;
  /** The audience filters as given (`plan=free; topic=russia-sanctions`); null: every prospect. */
  audience: string | null;
  intro: string | null;
  story_count: number;
  send_at: NullableTimestamp;
  /** Invitations per second. */
  rate: number;
  one_per_domain: Bool;
  status: CampaignStatus;
  /** When sending started and the recipients were recorded. */
  audience_fixed_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  /** A running step holds the campaign until then, so steps never overlap. */
  step_lease_until: OptionalTimestamp;
  /** Why the campaign paused itself (complaint or hard-bounce rate); null: by hand, or not paused. */
  paused_reason: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type CampaignRecipientStatus = 'pending' | 'queued' | 'suppressed' | 'skipped' | 'cancelled';

export interface CampaignRecipientsTable {
  id: Generated<number>;
  campaign_id: number;
  /** Null, and `email` empty, once the reader is erased: the row stays for the totals. */
  subscriber_id: number | null;
  email: string;
  domain: string;
  status: CampaignRecipientStatus;
  /** Why the check at send time left this recipient out. */
  skip_reason: string | null;
  delivery_id: number | null;
  queued_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CampaignDomainsTable {
  campaign_id: number;
  domain: string;
}

export interface CampaignContactsTable {
  subscriber_id: number;
  campaign_id: number;
  contacted_at: Timestamp;
}

/** One row: this database's identity, which its queues in Redis are bound to. */
export interface InstallationTable {
  id: string;
  created_at: Timestamp;
}

/** A closed UTC day's figures for one report series, kept once computed (JSON). */
export interface ReportDaysTable {
  series: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  figures: string;
  kept_at: Timestamp;
}

export interface Database {
  installation: InstallationTable;
  rule_changes: RuleChangesTable;
  stories: StoriesTable;
  topics: TopicsTable;
  subscribers: SubscribersTable;
  subscriptions: SubscriptionsTable;
  matches: MatchesTable;
  digests: DigestsTable;
  deliveries: DeliveriesTable;
  suppressions: SuppressionsTable;
  inbound_messages: InboundMessagesTable;
  bounces: BouncesTable;
  site_licenses: SiteLicensesTable;
  trial_clicks: TrialClicksTable;
  campaigns: CampaignsTable;
  campaign_recipients: CampaignRecipientsTable;
  campaign_domains: CampaignDomainsTable;
  campaign_contacts: CampaignContactsTable;
  feeds: FeedsTable;
  report_days: ReportDaysTable;
}

/** An RSS or Atom feed that is polled for stories. */
export interface FeedsTable {
  id: Generated<number>;
  url: string;
  /** How often it is polled. */
  every_ms: number;
  /** Given to every story from the feed. */
  section: string | null;
  access: 'subscriber' | 'free';
  tags: Json<string[]>;
  /** The validators of the last full answer, sent back for a conditional GET. */
  etag: string | null;
  last_modified: string | null;
  last_polled_at: NullableTimestamp;
  last_success_at: NullableTimestamp;
  /** The last poll's failure; cleared by a poll that succeeds. */
  last_error: string | null;
  last_error_at: NullableTimestamp;
  created_at: Timestamp;
}
