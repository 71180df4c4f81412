import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type LabelValues,
  Registry,
} from 'prom-client';

/*
 * The process's Prometheus metrics: one registry per process, scraped at `/metrics` (the web
 * server, or METRICS_PORT in a worker or scheduler). Counters and histograms are counted where
 * the work happens, in this process; the gauges of deliveries and queue depths describe the
 * whole installation and are read at each scrape (aggregate them with max, not sum).
 */

/** The registry every Bulletin metric lives in; prom-client's global one stays unused. */
export const metricsRegistry = new Registry();

/** Latency buckets, seconds: from a cached render (~1 ms) to a slow SMTP server (10 s). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const register = [metricsRegistry];

export const metrics = {
  storiesIngested: new Counter({
    name: 'bulletin_stories_ingested_total',
    help: 'Stories given to publish (CLI, webhook, feeds), by outcome: created, updated, realert, unchanged.',
    labelNames: ['outcome'] as const,
    registers: register,
  }),
  matches: new Counter({
    name: 'bulletin_matches_total',
    help: 'Matches recorded (story x reader), counted once however many rules matched.',
    registers: register,
  }),
  digestsBuilt: new Counter({
    name: 'bulletin_digests_built_total',
    help: 'Digest and alert builds by kind and outcome: queued (an email to send), empty, reader-gone.',
    labelNames: ['kind', 'outcome'] as const,
    registers: register,
  }),
  sends: new Counter({
    name: 'bulletin_sends_total',
    help: 'Send attempts by outcome: sent, failed, suppressed, retry, skipped, unknown (the attempt threw: the delivery row says what happened).',
    labelNames: ['outcome'] as const,
    registers: register,
  }),
  trialClicks: new Counter({
    name: 'bulletin_trial_clicks_total',
    help: 'Trial link clicks recorded, by source: digest or campaign.',
    labelNames: ['source'] as const,
    registers: register,
  }),
  inboundMessages: new Counter({
    name: 'bulletin_inbound_messages_total',
    help: 'Messages and provider events that came back after sending, by source (file, smtp, imap, ses, postmark, sendgrid, mailgun) and outcome: recorded, or duplicate (seen before: nothing changed).',
    labelNames: ['source', 'outcome'] as const,
    registers: register,
  }),
  bounces: new Counter({
    name: 'bulletin_bounces_total',
    help: 'Reports recorded, one per recipient a message or event reports on, by kind (hard, soft, complaint, unsubscribe, ignored, unmatched) and source.',
    labelNames: ['kind', 'source'] as const,
    registers: register,
  }),
  bounceSuppressions: new Counter({
    name: 'bulletin_bounce_suppressions_total',
    help: 'Reports that suppressed their address (or found it suppressed), by reason: hard-bounce, soft-bounce, complaint, unsubscribed.',
    labelNames: ['reason'] as const,
    registers: register,
  }),
  matchSeconds: new Histogram({
    name: 'bulletin_match_duration_seconds',
    help: 'Time to match one story against every rule and record its matches.',
    buckets: LATENCY_BUCKETS,
    registers: register,
  }),
  buildSeconds: new Histogram({
    name: 'bulletin_build_duration_seconds',
    help: 'Time to build one digest or alert (claim its matches, queue its delivery).',
    labelNames: ['kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: register,
  }),
  renderSeconds: new Histogram({
    name: 'bulletin_render_duration_seconds',
    help: "Time to render one reader's email, by template: digest or campaign.",
    labelNames: ['template'] as const,
    buckets: LATENCY_BUCKETS,
    registers: register,
  }),
  sendSeconds: new Histogram({
    name: 'bulletin_send_duration_seconds',
    help: 'Time the mail transport took to accept one message (or refuse it).',
    buckets: LATENCY_BUCKETS,
    registers: register,
  }),
  deliveries: new Gauge({
    name: 'bulletin_deliveries',
    help: 'Deliveries in the database by status (installation-wide).',
    labelNames: ['status'] as const,
    registers: register,
  }),
  queueJobs: new Gauge({
    name: 'bulletin_queue_jobs',
    help: 'Jobs by queue and state (installation-wide).',
    labelNames: ['queue', 'state'] as const,
    registers: register,
  }),
  sourceUp: new Gauge({
    name: 'bulletin_source_up',
    help: 'Whether this scrape could read the source (1) or not (0).',
    labelNames: ['source'] as const,
    registers: register,
  }),
};

let processMetricsStarted = false;

/**
 * Starts prom-client's process metrics (CPU, memory, event loop lag, GC, handles) in this
 * registry. Only processes that serve `/metrics` call it: the event-loop monitor and the GC
 * observer are not worth running in a one-shot CLI command. Idempotent.
 */
export function startProcessMetrics(): void {
  if (processMetricsStarted) return;
  processMetricsStarted = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/**
 * Runs `work` and observes how long it took in `histogram`, whether it resolved or threw.
 */
export async function timed<T, L extends string>(
  histogram: Histogram<L>,
  labels: LabelValues<L>,
  work: () => Promise<T>,
): Promise<T> {
  const stop = histogram.startTimer(labels);
  try {
    return await work();
  } finally {
    stop();
  }
}

/** The Prometheus text exposition of every metric, and the content type to serve it with. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
