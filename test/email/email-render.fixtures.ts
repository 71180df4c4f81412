import type { DigestContent, EmailStory } from '../../src/domain/digest-content.js';
import type { EmailReader, LinkSettings } from '../../src/email/email-content.js';

/** Fixed inputs, so rendered emails (tokens included) are the same on every run. */
export const now = new Date('2026-11-28T13:00:00Z');

export const links: LinkSettings = {
  publicBaseUrl: 'https://bulletin.example.com/',
  secretKey: 'test secret key, never used in production',
  postalAddress: '1200 Example Avenue NW, Washington, DC 20005',
  publicationName: 'Trade Compliance Brief',
};

export function makeStory(overrides: Partial<EmailStory> & { id: string }): EmailStory {
  return {
    headline: `Story ${overrides.id}`,
    summary: `Summary of story ${overrides.id}.`,
    url: `https://news.example.com/stories/${overrides.id}`,
    publishedAt: '2026-11-27T15:30:00Z',
    section: 'Export controls',
    access: 'subscriber',
    matched: ['Export controls'],
    ...overrides,
  };
}

export const entityList = makeStory({
  id: 'bis-0412',
  headline: 'Commerce adds 27 Chinese entities to Entity List',
  summary:
    'The Bureau of Industry and Security added 27 entities, citing support for military modernization.',
  matched: ['Export controls', 'Entity List'],
});

export const chinaRussia = makeStory({
  id: 'sanc-0877',
  headline: 'Managing China-Russia relationship will be key task, official says',
  summary:
    'The administration expects its successor to keep limiting Chinese support of Russia’s defense base.',
  section: 'Sanctions',
  matched: ['Russia sanctions'],
});

export const freeGuidance = makeStory({
  id: 'cus-0101',
  headline: 'CBP updates guidance on forced-labor detentions',
  summary: 'Importers get new examples of documents that show no ties to Xinjiang.',
  section: 'Customs',
  access: 'free',
  matched: ['Customs enforcement'],
});

export const dailyContent: DigestContent = {
  kind: 'digest',
  cadence: 'daily',
  periodStart: '2026-11-27T13:00:00Z',
  periodEnd: '2026-11-28T13:00:00Z',
  timeZone: 'America/New_York',
  groups: [
    { title: 'Export controls', stories: [entityList] },
    { title: 'Russia sanctions', stories: [chinaRussia] },
    { title: 'Your searches', stories: [freeGuidance, entityList] },
  ],
};

export const alertContent: DigestContent = {
  kind: 'alert',
  cadence: 'instant',
  periodStart: '2026-11-28T12:58:00Z',
  periodEnd: '2026-11-28T13:00:00Z',
  timeZone: 'Europe/Brussels',
  groups: [{ title: 'Russia sanctions', stories: [chinaRussia] }],
};

export const subscriber: EmailReader = {
  id: 1,
  linkSecret: 'ann-link-secret',
  email: 'ann@example.com',
  name: 'Ann',
  fullAccess: true,
};
export const freeReader: EmailReader = {
  id: 2,
  linkSecret: 'bo-link-secret',
  email: 'bo@example.org',
  name: 'Bo',
  fullAccess: false,
};
/** A prospect, as campaigns invite them. */
export const prospect: EmailReader = {
  id: 5,
  linkSecret: 'pat-link-secret',
  email: 'pat@prospect.example',
  name: null,
  fullAccess: false,
};
/** A name holding every character HTML escapes. */
export const trickyReader: EmailReader = {
  id: 3,
  linkSecret: 'cy-link-secret',
  email: 'cy@example.net',
  name: `Cy <b>"Bold"</b> & 'Co'`,
  fullAccess: false,
};
