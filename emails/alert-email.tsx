import { Section, Text } from '@react-email/components';
import { EmailLayout, pickPreviewProps } from './components/email-layout.js';
import { Footer } from './components/footer.js';
import { Masthead } from './components/masthead.js';
import { StoryGroupSection } from './components/story-group.js';
import { TrialCta } from './components/trial-cta.js';
import type { DigestEmailProps } from './digest-email.js';
import {
  previewFooter,
  previewPublication,
  previewStories,
  previewTrialUrl,
} from './preview-data.js';
import { styles } from './theme.js';

/** An alert carries the same parts as a digest, usually one group of one or a few stories. */
export type AlertEmailProps = DigestEmailProps;

const PreviewProps = {
  publicationName: previewPublication,
  title: 'Alert: Russia sanctions',
  periodLabel: '27 Nov 2026, 14:05 UTC',
  previewText: 'Managing China-Russia relationship will be key task for next administration',
  greeting: 'Hi Ann,',
  intro: 'A new story matches your alert.',
  groups: [{ title: 'Russia sanctions', stories: [previewStories[1]!] }],
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
  const showTitles = props.groups.length > 1;
  return (
    <EmailLayout
      publicationName={props.publicationName}
      title={props.title}
      previewText={props.previewText}
    >
      <Masthead
        publicationName={props.publicationName}
        title={props.title}
        periodLabel={props.periodLabel}
      />
      <Section style={{ ...styles.inner, paddingTop: '20px' }}>
        <Text style={styles.text}>{props.greeting}</Text>
        <Text style={styles.text}>{props.intro}</Text>
      </Section>
      {props.groups.map((group, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: groups keep their order in a render
        <StoryGroupSection key={i} group={group} showTitle={showTitles} />
      ))}
      {props.trialCta ? (
        <Section style={styles.inner}>
          <TrialCta {...props.trialCta} />
        </Section>
      ) : null}
      <Footer {...props.footer} />
    </EmailLayout>
  );
}

AlertEmail.PreviewProps = PreviewProps;
