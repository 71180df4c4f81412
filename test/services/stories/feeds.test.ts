import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DirectWorkQueue } from '../../../jobs/direct-work-queue.js';
import { createFeedFetcher } from '../../../src/adapters/feed-fetcher.js';
import {
  addFeed,
  type FeedContext,
  listFeeds,
  pollFeed,
} from '../../../src/services/stories/feeds.service.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import { DIALECTS } from '../../support/test-database.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

function rss(
  items: {
    guid?: string;
    title: string;
    link: string;
    description?: string;
    content?: string;
    categories?: string[];
  }[],
) {
  const entries = items
    .map(
      (item) => `<item>
  ${item.guid ? `<guid isPermaLink="false">${item.guid}</guid>` : ''}
  <title>${item.title}</title><link>${item.link}</link>
  <description><![CDATA[${item.description ?? ''}]]></description>
  ${item.content ? `<content:encoded><![CDATA[${item.content}]]></content:encoded>` : ''}
  ${(item.categories ?? []).map((c) => `<category>${c}</category>`).join('')}
  <pubDate>Sat, 28 Nov 2026 09:00:00 GMT</pubDate>
</item>`,
    )
    .join('\n');
  return `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Brief</title><link>https://brief.example</link>${entries}</channel></rss>`;
}

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Brief</title><id>urn:brief</id><updated>2026-11-28T09:00:00Z</updated>
<entry><id>urn:brief:a1</id><title>Atom &amp; sanctions</title><link href="https://brief.example/a1"/>
<updated>2026-11-28T09:00:00Z</updated><summary>The teaser</summary>
<content type="html">&lt;p&gt;Full &lt;b&gt;text&lt;/b&gt;&lt;/p&gt;</content><category term="EU"/></entry></feed>`;

const RDF = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://brief.example/"><title>Brief</title><link>https://brief.example/</link><description>d</description></channel>
<item rdf:about="https://brief.example/r1"><title>RDF story</title><link>https://brief.example/r1</link><description>RDF teaser</description><dc:date>2026-11-28T09:00:00Z</dc:date></item>
</rdf:RDF>`;

describe.each(DIALECTS)('feeds (%s)', (dialect) => {
  let t: TestApp;
  let server: http.Server;
  let base: string;
  let handler: Handler = (_req, res) => res.end();
  let ctx: FeedContext;
  let queue: DirectWorkQueue;
  const scheduled: number[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await ctx.fetcher.close();
    await t.close();
  });
  beforeEach(() => {
    queue = new DirectWorkQueue();
    ctx = {
      ...t.app,
      queue,
      fetcher: createFeedFetcher({ allowPrivate: true, timeoutMs: 1000, maxBytes: 100_000 }),
      feedSchedule: {
        schedule: async (feed) => void scheduled.push(feed.id),
        unschedule: async () => {},
      },
    };
  });

  const stories = () =>
    t.app.db
      .selectFrom('stories')
      .select(['external_id', 'headline', 'summary', 'body', 'tags', 'revision', 'section'])
      .orderBy('external_id')
      .execute();

  it('stores new items, skips repeated ones, updates changed ones without re-alerting, and answers 304', async () => {
    let body = rss([
      {
        guid: 'g1',
        title: 'First <b>story</b>',
        link: 'https://brief.example/1',
        description: '<p>Teaser one</p>',
        content: '<p>Body one</p>',
        categories: ['Sanctions'],
      },
      { title: 'No guid', link: 'https://brief.example/2', description: 'Teaser two' },
    ]);
    let etag = '"v1"';
    const seen: (string | undefined)[] = [];
    handler = (req, res) => {
      seen.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === etag) {
        res.statusCode = 304;
        return res.end();
      }
      res.setHeader('content-type', 'application/rss+xml');
      res.setHeader('etag', etag);
      res.end(body);
    };
    const feed = await addFeed(ctx, {
      url: `${base}/rss`,
      everyMs: 300_000,
      section: 'Trade',
      tags: ['Feed'],
    });
    expect(scheduled).toContain(feed.id);

    const first = await pollFeed(ctx, feed.id);
    expect(first).toMatchObject({ status: 'polled', items: 2, created: 2 });
    expect(queue.storiesWaiting).toBe(2);
    const stored = await stories();
    expect(stored.map((s) => s.external_id)).toEqual(['g1', 'https://brief.example/2']);
    expect(stored[0]).toMatchObject({
      headline: 'First story',
      summary: 'Teaser one',
      body: 'Body one',
      section: 'Trade',
    });
    const tags = stored[0]?.tags;
    expect(typeof tags === 'string' ? JSON.parse(tags) : tags).toEqual(['Feed', 'Sanctions']);

    expect(await pollFeed(ctx, feed.id)).toMatchObject({ status: 'not-modified' });
    expect(seen).toEqual([undefined, '"v1"']);

    etag = '"v2"';
    body = rss([
      {
        guid: 'g1',
        title: 'First story, corrected',
        link: 'https://brief.example/1',
        description: 'Teaser one',
        content: 'Body one',
      },
      { title: 'No guid', link: 'https://brief.example/2', description: 'Teaser two' },
    ]);
    const matchQueue = new DirectWorkQueue();
    ctx.queue = matchQueue;
    // As if both stories had been matched already.
    await t.app.db.updateTable('stories').set({ matched_revision: 0 }).execute();
    const third = await pollFeed(ctx, feed.id);
    expect(third).toMatchObject({ status: 'polled', created: 0, updated: 1, unchanged: 1 });
    expect(matchQueue.waiting).toBe(0);
    expect((await stories())[0]).toMatchObject({ headline: 'First story, corrected', revision: 0 });
  });

  it('reads Atom and RSS 1.0 (RDF)', async () => {
    handler = (req, res) => res.end(req.url === '/atom' ? ATOM : RDF);
    const atom = await addFeed(ctx, { url: `${base}/atom`, everyMs: 300_000 });
    const rdf = await addFeed(ctx, { url: `${base}/rdf`, everyMs: 300_000 });
    expect(await pollFeed(ctx, atom.id)).toMatchObject({ status: 'polled', created: 1 });
    expect(await pollFeed(ctx, rdf.id)).toMatchObject({ status: 'polled', created: 1 });
    const byId = Object.fromEntries((await stories()).map((s) => [s.external_id, s]));
    expect(byId['urn:brief:a1']).toMatchObject({
      headline: 'Atom & sanctions',
      summary: 'The teaser',
      body: 'Full text',
    });
    expect(byId['https://brief.example/r1']).toMatchObject({
      headline: 'RDF story',
      summary: 'RDF teaser',
    });
  });

  it.each([
    [
      'a server error',
      ((_req, res) => {
        res.statusCode = 503;
        res.end('down');
      }) as Handler,
      /answered 503/,
    ],
    [
      'a missing feed',
      ((_req, res) => {
        res.statusCode = 404;
        res.end();
      }) as Handler,
      /answered 404/,
    ],
    [
      'a redirect loop',
      ((req, res) => {
        res.statusCode = 302;
        res.setHeader('location', `${req.url}x`);
        res.end();
      }) as Handler,
      /more than 5 redirects/,
    ],
    ['a hang', (() => {}) as Handler, /no answer within 1 s/],
    [
      'garbage',
      ((_req, res) => res.end('\u0000\u0001 not xml <<<')) as Handler,
      /^not well-formed XML at line 1, column 1: /,
    ],
    [
      // The parser alone reads this as a feed with one empty item.
      'XML cut short',
      ((_req, res) => res.end('<rss><channel><item><title>unterminated')) as Handler,
      /^not well-formed XML: the document ends \(line 1\) with <rss>, <channel>, <item>, <title> still open/,
    ],
    [
      'mismatched tags',
      ((_req, res) =>
        res.end(
          '<?xml version="1.0"?>\n<rss version="2.0"><channel>\n<item><guid>x</guid><title>A</item>\n</channel></rss>',
        )) as Handler,
      /^not well-formed XML at line 3, column \d+: Expected closing tag 'title'/,
    ],
    [
      'a stray ampersand',
      ((_req, res) =>
        res.end(
          rss([{ guid: 'amp', title: 'A & B', link: 'https://brief.example/a' }]),
        )) as Handler,
      /^not well-formed XML at line 3, column \d+: char '&' is not expected/,
    ],
    [
      'an HTML page',
      ((_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end('<!doctype html><html><body><p>Hello<br></body></html>');
      }) as Handler,
      /^not an RSS or Atom feed: the answer is an HTML page$/,
    ],
    [
      'JSON',
      ((_req, res) => res.end('{"items": [{"title": "x"}]}')) as Handler,
      /^not an RSS or Atom feed: the answer is JSON$/,
    ],
    [
      'other XML',
      ((_req, res) =>
        res.end('<?xml version="1.0"?><!-- hi --><sitemap><url/></sitemap>')) as Handler,
      /^not an RSS or Atom feed: the document is <sitemap>/,
    ],
    [
      'an empty answer',
      ((_req, res) => res.end('')) as Handler,
      /^not an RSS or Atom feed: the answer is empty$/,
    ],
    [
      'an oversize answer',
      ((_req, res) => res.end(`<rss>${'x'.repeat(200_000)}</rss>`)) as Handler,
      /larger than 100000 bytes/,
    ],
  ])("records %s as the feed's last error, and goes on", async (what, failing, message) => {
    handler = failing;
    const feed = await addFeed(ctx, {
      url: `${base}/${what.replace(/\W/g, '-')}`,
      everyMs: 300_000,
    });
    const report = await pollFeed(ctx, feed.id);
    expect(report).toMatchObject({ status: 'failed', error: expect.stringMatching(message) });
    const listed = (await listFeeds(t.app)).find((f) => f.id === feed.id);
    expect(listed?.lastError).toMatch(message);
    expect(listed?.lastErrorAt).toBeInstanceOf(Date);
    expect(listed?.lastSuccessAt).toBeNull();
    expect(await stories()).not.toContainEqual(expect.objectContaining({ external_id: 'amp' }));

    handler = (_req, res) =>
      res.end(rss([{ guid: `ok-${feed.id}`, title: 'Back', link: 'https://brief.example/back' }]));
    expect(await pollFeed(ctx, feed.id)).toMatchObject({ status: 'polled' });
    expect((await listFeeds(t.app)).find((f) => f.id === feed.id)?.lastError).toBeNull();
  });

  it('fails a poll whose every item was rejected, and keeps the good items of one that is not', async () => {
    const noLinks = rss([
      { guid: 'n1', title: 'One', link: '' },
      { guid: 'n2', title: 'Two', link: 'javascript:alert(1)' },
    ]);
    const oneGood = rss([
      { guid: 'n1', title: 'One', link: '' },
      { guid: 'n3', title: 'Three', link: 'https://brief.example/3' },
    ]);
    let body = noLinks;
    handler = (_req, res) => res.end(body);
    const feed = await addFeed(ctx, { url: `${base}/no-links`, everyMs: 300_000 });
    const report = await pollFeed(ctx, feed.id);
    expect(report).toMatchObject({
      status: 'failed',
      retryable: false,
      error: expect.stringMatching(/^every item was rejected \(2\): item 1 \(n1\): url: /),
      rejected: [
        { position: 'item 1 (n1)', error: expect.stringMatching(/^url: /) },
        { position: 'item 2 (n2)', error: expect.stringMatching(/^url: /) },
      ],
    });
    const failed = (await listFeeds(t.app)).find((f) => f.id === feed.id);
    expect(failed).toMatchObject({
      lastSuccessAt: null,
      lastError: report.status === 'failed' && report.error,
    });
    expect(failed?.lastErrorAt).toBeInstanceOf(Date);

    body = oneGood;
    expect(await pollFeed(ctx, feed.id)).toMatchObject({
      status: 'polled',
      created: 1,
      rejected: [{ position: 'item 1 (n1)' }],
    });
    const mended = (await listFeeds(t.app)).find((f) => f.id === feed.id);
    expect(mended).toMatchObject({ lastError: null, lastErrorAt: null });
    expect(mended?.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('reads a feed of thousands of items in seconds, not minutes', async () => {
    // Each item asked the parser for the feed's link and categories, a walk over the whole
    // channel each time: 7,000 items took 80 s. The feed's are now read once.
    const many = rss(
      Array.from({ length: 5000 }, (_, i) => ({
        guid: `many-${i}`,
        title: `Story ${i}`,
        link: `/many/${i}`,
      })),
    );
    handler = (_req, res) => res.end(many);
    const big = createFeedFetcher({ allowPrivate: true, timeoutMs: 5000 });
    try {
      const feed = await addFeed(ctx, { url: `${base}/many`, everyMs: 300_000 });
      const started = Date.now();
      const report = await pollFeed({ ...ctx, fetcher: big }, feed.id);
      expect(report).toMatchObject({ status: 'polled', created: 5000 });
      expect(Date.now() - started).toBeLessThan(10_000);
      const first = await t.app.db
        .selectFrom('stories')
        .select('url')
        .where('external_id', '=', 'many-0')
        .executeTakeFirstOrThrow();
      // A relative link is resolved against the feed's own link.
      expect(first.url).toBe('https://brief.example/many/0');
    } finally {
      await big.close();
    }
  }, 60_000);

  it('refuses loopback and private addresses unless they are allowed', async () => {
    handler = (_req, res) => res.end(rss([]));
    const strict = createFeedFetcher({ allowPrivate: false });
    try {
      const feed = await addFeed(ctx, { url: `${base}/private`, everyMs: 300_000 });
      const report = await pollFeed({ ...ctx, fetcher: strict }, feed.id);
      expect(report).toMatchObject({
        status: 'failed',
        retryable: false,
        error: expect.stringMatching(/private or loopback.*FEEDS_ALLOW_PRIVATE/),
      });
      const port = (server.address() as AddressInfo).port;
      // A name is checked by the address it resolves to, not by how it looks.
      const named = await addFeed(ctx, { url: `http://localhost:${port}/named`, everyMs: 300_000 });
      expect(await pollFeed({ ...ctx, fetcher: strict }, named.id)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/private or loopback/),
      });
    } finally {
      await strict.close();
    }
  });

  it('refuses a URL that is not http(s)', async () => {
    await expect(addFeed(ctx, { url: 'file:///etc/passwd', everyMs: 300_000 })).rejects.toThrow(
      /http\(s\)/,
    );
  });
});
