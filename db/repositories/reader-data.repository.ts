import type { Db } from '../connection.js';
import { fromJson, toBoolean, toDateOrNull } from '../mappers.js';

/** A row as a person is given it: dates as ISO text, booleans as booleans, JSON parsed. */
type Row = Record<string, unknown>;

function iso(value: Date | string | null): string | null {
  return toDateOrNull(value)?.toISOString() ?? null;
}

/** The reader whose data is gathered: their row's id and address. */
export interface DataSubject {
  id: number;
  email: string;
}

/**
 * Every row held about one reader, by kind (the right of access). Secrets are left out: the
 * reader's link secret, and the signatures in Message-IDs. What other people are named in
 * (a bounce message's raw text) is left out too; its kind, status and time are given.
 */
export async function readReaderData(
  db: Db,
  reader: DataSubject,
): Promise<Record<string, Row[] | Row>> {
  const profile = await db
    .selectFrom('subscribers')
    .select([
      'id',
      'email',
      'name',
      'plan',
      'trial_ends_at',
      'tz',
      'status',
      'marketing_consent',
      'consent_source',
      'consent_at',
      'paused_until',
      'created_at',
      'updated_at',
    ])
    .where('id', '=', reader.id)
    .executeTakeFirstOrThrow();
  const subscriptions = await db
    .selectFrom('subscriptions as s')
    .leftJoin('topics as t', 't.id', 's.topic_id')
    .select([
      's.id',
      't.slug as topic',
      't.name as topicName',
      's.query',
      's.cadence',
      's.send_at',
      's.weekday',
      's.weekdays',
      's.paused',
      's.next_due_at',
      's.created_at',
    ])
    .where('s.subscriber_id', '=', reader.id)
    .orderBy('s.id')
    .execute();
  const matches = await db
    .selectFrom('matches as m')
    .innerJoin('stories as st', 'st.id', 'm.story_id')
    .select([
      'm.id',
      'st.external_id as story',
      'st.headline',
      'm.cadence',
      'm.subscription_ids',
      'm.digest_id',
      'm.created_at',
    ])
    .where('m.subscriber_id', '=', reader.id)
    .orderBy('m.id')
    .execute();
  const digests = await db
    .selectFrom('digests')
    .select([
      'id',
      'cadence',
      'period_key',
      'period_start',
      'period_end',
      'story_count',
      'created_at',
      'built_at',
    ])
    .where('subscriber_id', '=', reader.id)
    .orderBy('id')
    .execute();
  const deliveryIds = db
    .selectFrom('deliveries')
    .select('id')
    .where((eb) =>
      eb.or([eb('subscriber_id', '=', reader.id), eb('recipient', '=', reader.email)]),
    );
  const deliveries = await db
    .selectFrom('deliveries')
    .select([
      'id',
      'kind',
      'digest_id',
      'recipient',
      'cadence',
      'story_ids',
      'status',
      'attempts',
      'error',
      'last_reply',
      'created_at',
      'updated_at',
      'sent_at',
    ])
    .where('id', 'in', deliveryIds)
    .orderBy('id')
    .execute();
  const trialClicks = await db
    .selectFrom('trial_clicks')
    .select([
      'id',
      'story_external_id as story',
      'digest_id',
      'campaign_id',
      'created_at',
      'trial_started_at',
    ])
    .where('email', '=', reader.email)
    .orderBy('id')
    .execute();
  const bounces = await db
    .selectFrom('bounces')
    .select([
      'id',
      'delivery_id',
      'kind',
      'recipient',
      'status',
      'diagnostic',
      'source',
      'received_at',
      'suppressed',
    ])
    .where((eb) =>
      eb.or([eb('recipient', '=', reader.email), eb('delivery_id', 'in', deliveryIds)]),
    )
    .orderBy('id')
    .execute();
  const suppressions = await db
    .selectFrom('suppressions')
    .select(['email', 'reason', 'detail', 'created_at'])
    .where('email', '=', reader.email)
    .execute();
  const campaignInvitations = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .select([
      'r.campaign_id',
      'c.name as campaign',
      'c.subject',
      'r.status',
      'r.skip_reason',
      'r.delivery_id',
      'r.queued_at',
      'r.created_at',
    ])
    .where('r.subscriber_id', '=', reader.id)
    .orderBy('r.id')
    .execute();
  const campaignContacts = await db
    .selectFrom('campaign_contacts')
    .select(['campaign_id', 'contacted_at'])
    .where('subscriber_id', '=', reader.id)
    .execute();
  return {
    profile: plain(profile),
    subscriptions: subscriptions.map(plain),
    matches: matches.map(plain),
    digests: digests.map(plain),
    deliveries: deliveries.map(plain),
    trialClicks: trialClicks.map(plain),
    bounces: bounces.map(plain),
    suppressions: suppressions.map(plain),
    campaignInvitations: campaignInvitations.map(plain),
    campaignContacts: campaignContacts.map(plain),
  };
}

const BOOLEAN_COLUMNS = new Set(['marketing_consent', 'paused', 'weekdays']);
const JSON_COLUMNS = new Set(['story_ids', 'subscription_ids']);
const TIME_COLUMN = /(_at|_start|_end)$/;

/** One row in the shape given out: camelCase names, ISO times, booleans, parsed JSON. */
function plain(row: object): Row {
  const out: Row = {};
  for (const [column, value] of Object.entries(row)) {
    const name = column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (value === null || value === undefined) out[name] = null;
    else if (BOOLEAN_COLUMNS.has(column)) out[name] = toBoolean(value as number | boolean);
    else if (JSON_COLUMNS.has(column)) out[name] = fromJson(value as string);
    else if ((TIME_COLUMN.test(column) && column !== 'send_at') || value instanceof Date)
      out[name] = iso(value as string);
    else out[name] = value;
  }
  return out;
}
