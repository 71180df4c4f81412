/**
 * `npm run check:emails`: renders one of each message Bulletin sends (a digest to a
 * subscriber, the same digest to a free reader, an instant alert, a trial invitation and a
 * campaign's invitation with marketing's subject and intro), signs
 * them with a local DKIM key, writes them through the outbox transport and judges the files
 * with the mail checker kit that lives beside the project (`../shared/tools/mailcheck`).
 * Everything it writes is under `var/check-emails/`: the DKIM key and its TXT record (kept
 * between runs) and `outbox/` with the `.eml` files (rewritten each run). Exits with the
 * checker's status; `scripts/install-mailcheck.sh` installs the checker's system tools.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageId } from '../src/adapters/mail/build-message.js';
import { createMailTransport } from '../src/adapters/mail/create-mail-transport.js';
import type { OutgoingEmail } from '../src/adapters/mail/mail-transport.js';
import { outboxFileName } from '../src/adapters/mail/outbox.transport.js';
import type { DigestContent, EmailStory } from '../src/domain/digest-content.js';
import type { LinkSettings, RenderedEmail } from '../src/email/index.js';
import { createEmailRenderer } from '../src/email/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK_DIR = join(ROOT, 'var', 'check-emails');
const OUTBOX_DIR = join(WORK_DIR, 'outbox');
const CHECKER = resolve(ROOT, '..', 'shared', 'tools', 'mailcheck', 'check-eml');

const FROM = { email: 'briefing@news.example.com', name: 'Trade Compliance Brief' };
const DKIM_SELECTOR = 'bulletin';
const POSTAL_ADDRESS = '1200 Example Avenue NW, Washington, DC 20005';
// The checker hands each message to SpamAssassin behind a relay's Received header stamped
// 04 May 2026 07:00:02 UTC; a Date a little before it is what a real delivery looks like.
const NOW = new Date('2026-05-04T06:58:00Z');

const LINKS: LinkSettings = {
  publicBaseUrl: 'https://news.example.com',
  secretKey: 'check-emails-secret-key-not-used-in-production',
  postalAddress: POSTAL_ADDRESS,
  publicationName: 'Trade Compliance Brief',
};

const STORIES: EmailStory[] = [
  {
    id: 'entity-list-27',
    headline: 'Commerce adds 27 Chinese entities to Entity List over military end uses',
    summary:
      'The Bureau of Industry and Security added 27 entities, most of them in China, citing support for military modernization and the diversion of U.S.-origin items to Russia.',
    url: 'https://news.example.com/stories/entity-list-27',
    publishedAt: '2026-05-04T06:45:00Z',
    section: 'Export controls',
    access: 'subscriber',
    matched: ['Export controls'],
  },
  {
    id: 'bis-license-exception-guidance',
    headline: 'BIS publishes new guidance on license exception eligibility for encryption items',
    summary:
      'The guidance walks exporters through the classification questions that decide whether mass-market encryption items can ship without a license.',
    url: 'https://news.example.com/stories/bis-encryption-guidance',
    publishedAt: '2026-05-03T21:30:00Z',
    section: 'Export controls',
    access: 'free',
    matched: ['Export controls'],
  },
  {
    id: 'china-russia-support',
    headline: 'Managing China-Russia relationship will be key task for next administration',
    summary:
      'The administration expects its successor to keep trying to limit Chinese support of the Russian defense industrial base, a senior official said this week.',
    url: 'https://news.example.com/stories/china-russia-support',
    publishedAt: '2026-05-03T17:45:00Z',
    section: 'Sanctions',
    access: 'subscriber',
    matched: ['Russia sanctions'],
  },
];

function digestContent(): DigestContent {
  return {
    kind: 'digest',
    cadence: 'daily',
    periodStart: '2026-05-03T06:50:00Z',
    periodEnd: '2026-05-04T06:50:00Z',
    timeZone: 'America/New_York',
    groups: [
      { title: 'Export controls', stories: STORIES.slice(0, 2) },
      { title: 'Russia sanctions', stories: STORIES.slice(2) },
    ],
    // Over the story cap, so the "and N more" line is judged too.
    omitted: 4,
  };
}

function alertContent(): DigestContent {
  return {
    kind: 'alert',
    cadence: 'instant',
    periodStart: '2026-05-04T06:40:00Z',
    periodEnd: '2026-05-04T06:47:00Z',
    timeZone: 'Europe/Berlin',
    groups: [{ title: 'Export controls', stories: STORIES.slice(0, 1) }],
  };
}

interface Sample {
  name: string;
  marketing: boolean;
  email: OutgoingEmail;
}

/** Renders the four kinds of message and addresses them as the send job would. */
async function renderSamples(): Promise<Sample[]> {
  const renderer = createEmailRenderer();
  const subscriber = {
    id: 1,
    linkSecret: 'sample-reader-secret-1',
    email: 'dana.analyst@exporter.example',
    name: 'Dana Analyst',
    fullAccess: true,
  };
  const freeReader = {
    id: 2,
    linkSecret: 'sample-reader-secret-2',
    email: 'sam.reader@freight.example',
    name: 'Sam Reader',
    fullAccess: false,
  };
  const prospect = {
    id: 3,
    linkSecret: 'sample-reader-secret-3',
    email: 'pat.prospect@logistics.example',
    name: null,
    fullAccess: false,
  };
  const digest = { content: digestContent(), digestId: 101, links: LINKS, now: NOW };
  return [
    sample('digest-subscriber', false, 'export-controls-daily', '101:digest:daily:bulletin', {
      ...(await renderer.renderDigestEmail({ ...digest, reader: subscriber })),
      to: subscriber,
    }),
    sample('digest-free-reader', false, 'export-controls-daily', '102:digest:daily:bulletin', {
      ...(await renderer.renderDigestEmail({ ...digest, digestId: 102, reader: freeReader })),
      to: freeReader,
    }),
    sample('alert', false, 'export-controls-instant', '103:alert:instant:bulletin', {
      ...(await renderer.renderDigestEmail({
        content: alertContent(),
        digestId: 103,
        links: LINKS,
        now: NOW,
        reader: subscriber,
      })),
      to: subscriber,
    }),
    sample('trial-invitation', true, 'trial-invitations', '7:campaign:trial:bulletin', {
      ...(await renderer.renderCampaignEmail({
        reader: prospect,
        stories: STORIES,
        campaignId: 7,
        links: LINKS,
        now: NOW,
        timeZone: 'America/Chicago',
      })),
      to: prospect,
    }),
    // A campaign's invitation as the send path makes it: marketing's subject and intro, and
    // an unsubscribe link that takes the reader off marketing only.
    sample('campaign-invitation', true, 'trial-invitations', '8:campaign:trial:bulletin', {
      ...(await renderer.renderCampaignEmail({
        reader: { ...prospect, name: 'Pat Prospect' },
        stories: STORIES.slice(0, 2),
        campaignId: 8,
        links: LINKS,
        now: NOW,
        intro:
          'Our newsroom covers export controls every day. Here are two recent stories on the subjects you follow; a trial opens every story and the archive.',
        timeZone: 'America/New_York',
      })),
      subject: 'Export controls this week: two stories for you',
      to: { ...prospect, name: 'Pat Prospect' },
    }),
  ];
}

function sample(
  name: string,
  marketing: boolean,
  listId: string,
  feedbackId: string,
  rendered: RenderedEmail & { to: { email: string; name: string | null } },
): Sample {
  return {
    name,
    marketing,
    email: {
      to: { email: rendered.to.email, name: rendered.to.name },
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      unsubscribeUrl: rendered.unsubscribeUrl,
      unsubscribeMailto: `mailto:unsubscribe@news.example.com?subject=${name}`,
      listId,
      feedbackId,
      messageId: createMessageId(`check-${name}`, FROM.email),
      date: NOW,
    },
  };
}

/** A 2048-bit key kept between runs, and the TXT record a receiver would look up. */
async function loadDkimKey(): Promise<{ privateKey: string; dnsFile: string }> {
  const keyFile = join(WORK_DIR, 'dkim.pem');
  const dnsFile = join(WORK_DIR, 'dkim.txt');
  if (!existsSync(keyFile) || !existsSync(dnsFile)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await writeFile(dnsFile, `v=DKIM1; k=rsa; p=${der}\n`);
  }
  return { privateKey: await readFile(keyFile, 'utf8'), dnsFile };
}

function runChecker(files: string[], dnsFile: string, marketing: boolean): number {
  const args = ['--spam', '1.0', '--html-validate', '--dkim-dns', dnsFile];
  args.push('--postal', POSTAL_ADDRESS, ...(marketing ? ['--marketing'] : []), ...files);
  const run = spawnSync(CHECKER, args, { cwd: ROOT, stdio: 'inherit' });
  if (run.error) {
    console.error(`could not run ${relative(ROOT, CHECKER)}: ${run.error.message}`);
    return 1;
  }
  return run.status ?? 1;
}

async function main(): Promise<number> {
  if (!existsSync(CHECKER)) {
    console.error(`mail checker not found at ${relative(ROOT, CHECKER)}`);
    return 1;
  }
  await mkdir(WORK_DIR, { recursive: true });
  await rm(OUTBOX_DIR, { recursive: true, force: true });
  const dkim = await loadDkimKey();
  const transport = createMailTransport({
    smtpUrl: null,
    outboxDir: OUTBOX_DIR,
    from: FROM,
    dkim: { domain: 'news.example.com', selector: DKIM_SELECTOR, privateKey: dkim.privateKey },
  });
  const samples = await renderSamples();
  try {
    for (const { email } of samples) await transport.send(email);
  } finally {
    await transport.close();
  }
  const fileOf = (s: Sample) => relative(ROOT, join(OUTBOX_DIR, outboxFileName(s.email.messageId)));
  const bulletins = samples.filter((s) => !s.marketing).map(fileOf);
  const promotions = samples.filter((s) => s.marketing).map(fileOf);
  const dnsFile = relative(ROOT, dkim.dnsFile);
  const statuses = [runChecker(bulletins, dnsFile, false), runChecker(promotions, dnsFile, true)];
  const status = Math.max(...statuses);
  const verdict = status === 0 ? 'all checks passed' : `checker failed (exit ${status})`;
  console.log(`\n${verdict}; the ${samples.length} messages are in ${relative(ROOT, OUTBOX_DIR)}/`);
  return status;
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
