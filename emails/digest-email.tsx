import { Section, Text } from '@react-email/components';
import { EmailLayout, pickPreviewProps } from './components/email-layout.js';
import { Footer, type FooterProps } from './components/footer.js';
import { Masthead } from './components/masthead.js';
import { type StoryGroupProps, StoryGroupSection } from './components/story-group.js';
import { TrialCta, type TrialCtaProps } from './components/trial-cta.js';
import {
  previewFooter,
  previewPublication,
  previewStories,
  previewTrialUrl,
} from './preview-data.js';
import { styles } from './theme.js';

export interface DigestEmailProps {
  publicationName: string;
  /** "Export controls daily", "Weekly digest". */
  title: string;
  /** "Saturday, 28 November 2026", "Week of 21–28 November 2026". */
  periodLabel: string;
  previewText: string;
  /** "Hi Ann," or "Hello,". */
  greeting: string;
  /** One line under the greeting: "7 new stories match what you follow." */
  intro: string;
  groups: StoryGroupProps[];
  /** Shown once, when a story is paywalled and the reader has no access. */
  trialCta: TrialCtaProps | null;
  footer: FooterProps;
}

const PreviewProps = {
  publicationName: previewPublication,
  title: 'Daily digest',
  periodLabel: 'Saturday, 28 November 2026',
  previewText: 'Commerce adds 27 Chinese entities to Entity List · CBP updates guidance',
  greeting: 'Hi Ann,',
  intro: '3 new stories match what you follow.',
  groups: [
    { title: 'Export controls', stories: [previewStories[0]!] },
    { title: 'Russia sanctions', stories: [previewStories[1]!] },
    { title: 'Customs enforcement', stories: [previewStories[2]!] },
  ],
  trialCta: { publicationName: previewPublication, href: previewTrialUrl },
  footer: previewFooter,
} satisfies DigestEmailProps;

/** The daily or weekly digest: stories grouped by topic. */
export default function DigestEmail(input: DigestEmailProps) {
  const props = pickPreviewProps(input, PreviewProps);
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
        <StoryGroupSection key={i} group={group} showTitle={true} />
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

DigestEmail.PreviewProps = PreviewProps;
