import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { subscribe } from '../../src/services/readers/subscriptions.service.js';
import { addTopic } from '../../src/services/topics/topics.service.js';
import { freePort } from '../support/private-redis.js';
import { parsePrometheusText, type Sample, sampleValue } from '../support/prometheus-text.js';
import { runCli, startBulletin, stopBulletin } from '../support/run-cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-test-server.js';
import { createTestApp, type TestApp, waitFor } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/**
 * A `bulletin worker` process has no web server: with METRICS_PORT it serves its own
 * `/metrics`, which counts the work that process did.
 */
describe.each(DIALECTS)('a worker with METRICS_PORT (%s)', (dialect) => {
  let smtp: TestSmtpServer;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp(dialect, { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await smtp.close();
    await t.close();
  });

  it('serves metrics of the matching, building, rendering and sending it did', async () => {
    const metricsPort = await freePort();
    const env = { ...t.env, METRICS_PORT: String(metricsPort), LOG_LEVEL: 'warn' };
    await addTopic(t.app, { slug: 'sanctions', name: 'Sanctions', query: 'sanctions' });
    await saveReader(t.app, {
      email: 'ivy@corp.example',
      name: 'Ivy',
      plan: 'subscriber',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
    await subscribe(t.app, { email: 'ivy@corp.example', topic: 'sanctions', cadence: 'instant' });

    const worker = await startBulletin(['worker'], env);
    try {
      expect(worker.output()).toContain(`metrics:  http://localhost:${metricsPort}/metrics`);
      const url = `http://127.0.0.1:${metricsPort}/metrics`;
      const idle = parsePrometheusText(await (await fetch(url)).text());
      expect(sampleValue(idle, 'bulletin_sends_total', { outcome: 'sent' })).toBeUndefined();

      const story = {
        id: 'wm-1',
        url: 'https://brief.example/wm-1',
        headline: 'New sanctions on shipping firms',
        summary: 'Six firms are added.',
        publishedAt: '2026-11-28T09:00:00Z',
      };
      const published = await runCli(['stories', 'publish', '-'], env, JSON.stringify(story));
      expect(published).toMatchObject({ code: 0 });
      await waitFor(() => smtp.received.length > 0, 20_000, 'the alert at the SMTP server');

      const samples = await waitFor(
        async () => {
          const text = await (await fetch(url)).text();
          const parsed = parsePrometheusText(text);
          const sample = (name: string, labels: Record<string, string>) =>
            sampleValue(parsed, name, labels);
          // The SMTP server has the message before the worker records it as sent and counts
          // it, and a scrape reads the database and Redis first and this process's counters
          // last: one scrape can show the send counted but the delivery still `sending`. A
          // scrape on a busy machine may also miss a source (`bulletin_source_up … 0`, no
          // series of its own). So wait for a scrape that shows the whole state asserted.
          const settled =
            sample('bulletin_sends_total', { outcome: 'sent' }) === 1 &&
            sample('bulletin_source_up', { source: 'database' }) === 1 &&
            sample('bulletin_source_up', { source: 'redis' }) === 1 &&
            sample('bulletin_deliveries', { status: 'sent' }) === 1;
          return settled ? parsed : undefined;
        },
        20_000,
        'a scrape with the send counted and the delivery recorded as sent',
      );
      const value = (name: string, labels: Record<string, string> = {}) =>
        sampleValue(samples, name, labels);
      expect(value('bulletin_matches_total')).toBe(1);
      expect(value('bulletin_digests_built_total', { kind: 'alert', outcome: 'queued' })).toBe(1);
      expect(value('bulletin_match_duration_seconds_count')).toBe(1);
      expect(value('bulletin_build_duration_seconds_count', { kind: 'alert' })).toBe(1);
      expect(value('bulletin_render_duration_seconds_count', { template: 'digest' })).toBe(1);
      expect(value('bulletin_send_duration_seconds_count')).toBe(1);
      expect(value('bulletin_send_duration_seconds_sum')).toBeGreaterThan(0);
      expectCumulativeBuckets(samples, 'bulletin_send_duration_seconds_bucket', 1);
      // Stories are counted where they are stored: the publishing CLI, not this worker.
      expect(value('bulletin_stories_ingested_total', { outcome: 'created' })).toBeUndefined();
      // The installation's state, read at the scrape.
      expect(value('bulletin_deliveries', { status: 'sent' })).toBe(1);
      expect(value('bulletin_source_up', { source: 'redis' })).toBe(1);
      expect(value('bulletin_queue_jobs', { queue: 'send', state: 'failed' })).toBe(0);
      expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
    } finally {
      expect(await stopBulletin(worker.child)).toBe(0);
    }
    // The port is let go on shutdown.
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  }, 90_000);

  it('refuses to start on a METRICS_PORT that is taken, naming the setting', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const refused = await runCli(['worker'], { ...t.env, METRICS_PORT: String(port) });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`port ${port} is in use (METRICS_PORT)`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  }, 60_000);
});

/** Histogram buckets never decrease and the `+Inf` one holds every observation. */
function expectCumulativeBuckets(samples: Sample[], name: string, count: number): void {
  const buckets = samples.filter((s) => s.name === name);
  const values = buckets.map((s) => s.value);
  expect(values).toEqual([...values].sort((a, b) => a - b));
  expect(buckets.find((s) => s.labels.le === '+Inf')?.value).toBe(count);
}
