import { DigestBody, type DigestBodyProps } from './components/digest-body.js';
import { pickPreviewProps } from './components/email-layout.js';
import {
  previewFooter,
  previewPublication,
  previewPublisherSite,
  previewStories,
  previewTrialUrl,
} from './preview-data.js';

export type DigestEmailProps = DigestBodyProps;

const PreviewProps = {
  publicationName: previewPublication,
  title: 'Daily digest',
  periodLabel: '27 – 28 November 2026',
  previewText: 'Commerce adds 27 Chinese entities to Entity List · CBP updates guidance',
  greeting: 'Hi Ann,',
  intro: '7 new stories match what you follow.',
  groups: [
    { title: 'Export controls', stories: [previewStories[0]!] },
    // A story matched only by its group's topic shows no "Matched" line (see email-view).
    { title: 'Russia sanctions', stories: [{ ...previewStories[1]!, matched: [] }] },
    { title: 'Customs enforcement', stories: [{ ...previewStories[2]!, matched: [] }] },
  ],
  moreStories: { count: 4, href: previewPublisherSite },
  trialCta: { publicationName: previewPublication, href: previewTrialUrl },
  footer: previewFooter,
} satisfies DigestEmailProps;

/** The daily or weekly digest: stories grouped by topic. */
export default function DigestEmail(input: DigestEmailProps) {
  return <DigestBody {...pickPreviewProps(input, PreviewProps)} showGroupTitles={true} />;
}

DigestEmail.PreviewProps = PreviewProps;
