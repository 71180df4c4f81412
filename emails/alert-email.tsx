import { DigestBody } from './components/digest-body.js';
import { pickPreviewProps } from './components/email-layout.js';
import type { DigestEmailProps } from './digest-email.js';
import {
  previewFooter,
  previewPublication,
  previewStories,
  previewTrialUrl,
} from './preview-data.js';

/** An alert carries the same parts as a digest, usually one group of one or a few stories. */
export type AlertEmailProps = DigestEmailProps;

const PreviewProps = {
  publicationName: previewPublication,
  title: 'Alert: Russia sanctions',
  periodLabel: '27 Nov 2026, 14:05 UTC',
  previewText: 'Managing China-Russia relationship will be key task for next administration',
  greeting: 'Hi Ann,',
  intro: 'A new story matches your alert.',
  // Matched only by the alert's own topic: no "Matched" line (see email-view).
  groups: [{ title: 'Russia sanctions', stories: [{ ...previewStories[1]!, matched: [] }] }],
  moreStories: null,
  trialCta: { publicationName: previewPublication, href: previewTrialUrl },
  footer: {
    ...previewFooter,
    reason: 'You get this because you follow Russia sanctions (instant alerts).',
  },
} satisfies AlertEmailProps;

/** An instant alert: one or a few stories, sent soon after publication. */
export default function AlertEmail(input: AlertEmailProps) {
  const props = pickPreviewProps(input, PreviewProps);
  // With one group the masthead already names the topic.
  return <DigestBody {...props} showGroupTitles={props.groups.length > 1} />;
}

AlertEmail.PreviewProps = PreviewProps;
