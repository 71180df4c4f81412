import type { FooterProps } from './components/footer.js';
import type { StoryCardProps } from './components/story-card.js';

/** Sample content for `email dev` and `email export`: the kind of stories this publisher runs. */
export const previewPublication = 'Trade Compliance Brief';

/** The publisher's own site, where its stories live. */
export const previewPublisherSite = 'https://news.example.com/';

const base = 'https://news.example.com/stories';
const trial = 'https://bulletin.example.com/t/preview-token';

export const previewStories: StoryCardProps[] = [
  {
    headline: 'Commerce adds 27 Chinese entities to Entity List over military end uses',
    href: `${base}/entity-list-27`,
    dateLabel: '27 Nov 2026',
    section: 'Export controls',
    summary:
      'The Bureau of Industry and Security added 27 entities, most of them in China, citing support for military modernization and diversion of U.S.-origin items to Russia.',
    matched: ['Export controls', 'Entity List'],
    locked: false,
  },
  {
    headline: 'Managing China-Russia relationship will be key task for next administration',
    href: trial,
    dateLabel: '27 Nov 2026',
    section: 'Sanctions',
    summary:
      'The administration expects its successor to keep trying to limit Chinese support of Russia’s defense industrial base, a senior official said.',
    matched: ['Russia sanctions'],
    locked: true,
  },
  {
    headline: 'CBP updates guidance on forced-labor detentions at the border',
    href: `${base}/cbp-uflpa-guidance`,
    dateLabel: '26 Nov 2026',
    section: 'Customs',
    summary:
      'Importers get new examples of the documents that can show a shipment has no ties to Xinjiang.',
    matched: ['Customs enforcement'],
    locked: false,
  },
];

export const previewFooter: FooterProps = {
  publicationName: previewPublication,
  reason:
    'You get this because you follow Export controls, Russia sanctions and Customs enforcement (daily).',
  preferencesUrl: 'https://bulletin.example.com/p/preview-token',
  unsubscribeUrl: 'https://bulletin.example.com/u/preview-token',
  postalAddress: '1200 Example Avenue NW, Washington, DC 20005',
};

export const previewTrialUrl = trial;
