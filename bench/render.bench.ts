/**
 * Emails rendered per second for many readers sharing a few distinct digests: every email
 * rendered directly, then rendered once per content and access variant and filled per reader.
 *
 *   npm run bench:render -- [--readers 10000] [--digests 50] [--direct-readers N]
 *
 * `--direct-readers` caps the direct pass (its rate does not depend on the count).
 */
import { parseArgs } from 'node:util';
import type { DigestContent, EmailStory } from '../src/domain/digest-content.js';
import type { EmailReader, LinkSettings } from '../src/email/index.js';
import { createEmailRenderer, renderDigestEmailDirect } from '../src/email/index.js';

const { values } = parseArgs({
  options: {
    readers: { type: 'string', default: '10000' },
    digests: { type: 'string', default: '50' },
    'direct-readers': { type: 'string' },
  },
});
const readerCount = toCount(values.readers, 'readers');
const digestCount = toCount(values.digests, 'digests');
const directCount = Math.min(
  readerCount,
  toCount(values['direct-readers'] ?? values.readers, 'direct-readers'),
);

const links: LinkSettings = {
  publicBaseUrl: 'https://bulletin.example.com',
  secretKey: 'bench secret',
  postalAddress: '1200 Example Avenue NW, Washington, DC 20005',
  publicationName: 'Trade Compliance Brief',
};
const now = new Date('2026-11-28T13:00:00Z');

const subjects = [
  'Entity List',
  'Russia sanctions',
  'Customs rulings',
  'Export licensing',
  'Iran',
  'Forced labor',
];
const verbs = ['adds', 'removes', 'updates', 'clarifies', 'proposes', 'finalizes'];

/** Builds ten stories per digest from a pool, so digests overlap as real ones do. */
function makeContent(index: number): DigestContent {
  const stories: EmailStory[] = Array.from({ length: 10 }, (_, i) => {
    const n = (index * 7 + i) % 120;
    const topic = subjects[n % subjects.length]!;
    return {
      id: `story-${n}`,
      headline: `Agency ${verbs[n % verbs.length]} rule on ${topic} affecting ${n + 3} exporters`,
      summary: `A ${topic} development that compliance teams should read: ${'details '.repeat(20)}(${n}).`,
      url: `https://news.example.com/stories/${n}`,
      publishedAt: new Date(now.getTime() - n * 3_600_000).toISOString(),
      section: topic,
      access: n % 4 === 0 ? 'free' : 'subscriber',
      matched: [topic],
    };
  });
  return {
    kind: 'digest',
    cadence: 'daily',
    periodStart: '2026-11-27T13:00:00Z',
    periodEnd: '2026-11-28T13:00:00Z',
    timeZone: 'America/New_York',
    groups: [
      { title: 'Export controls', stories: stories.slice(0, 5) },
      { title: 'Sanctions', stories: stories.slice(5) },
    ],
  };
}

const contents = Array.from({ length: digestCount }, (_, i) => makeContent(i));
const readers: EmailReader[] = Array.from({ length: readerCount }, (_, i) => ({
  id: i + 1,
  linkSecret: `bench-reader-secret-${i}`,
  email: `reader${i}@example.com`,
  name: i % 5 === 0 ? null : `Reader ${i}`,
  // Every third reader has full access; digests and variants mix as they would in a run.
  fullAccess: i % 3 === 0,
}));
const inputFor = (i: number) => ({
  reader: readers[i]!,
  content: contents[i % digestCount]!,
  digestId: 1000 + i,
  links,
  now,
});

// Warm up both paths so module loading and JIT do not count.
for (let i = 0; i < 20; i++) await renderDigestEmailDirect(inputFor(i));

let start = performance.now();
let bytes = 0;
for (let i = 0; i < directCount; i++)
  bytes += (await renderDigestEmailDirect(inputFor(i))).html.length;
const directSeconds = (performance.now() - start) / 1000;
const directRate = directCount / directSeconds;

const renderer = createEmailRenderer({ cacheSize: 400 });
start = performance.now();
for (let i = 0; i < readerCount; i++)
  bytes += (await renderer.renderDigestEmail(inputFor(i))).html.length;
const onceSeconds = (performance.now() - start) / 1000;
const onceRate = readerCount / onceSeconds;

const stats = renderer.readStats();

// The fast path must still produce exactly what a direct render does.
for (const i of [0, 1, 2, readerCount - 1]) {
  const [filled, direct] = [
    await renderer.renderDigestEmail(inputFor(i)),
    await renderDigestEmailDirect(inputFor(i)),
  ];
  if (filled.html !== direct.html || filled.text !== direct.text)
    throw new Error(`reader ${i}: fill differs from direct render`);
}

console.log(
  `readers ${readerCount}, distinct digests ${digestCount} x 2 access variants, 10 stories each`,
);
console.log(
  `direct           ${directRate.toFixed(0).padStart(7)} emails/s  (${directCount} emails in ${directSeconds.toFixed(2)} s)`,
);
console.log(
  `render once+fill ${onceRate.toFixed(0).padStart(7)} emails/s  (${readerCount} emails in ${onceSeconds.toFixed(2)} s; ${stats.misses} renders, ${stats.hits} fills)`,
);
console.log(
  `ratio            ${(onceRate / directRate).toFixed(1)}x  (${(bytes / 1e6).toFixed(0)} MB of HTML produced)`,
);

function toCount(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
  return n;
}
