import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { EmailLayout, pickPreviewProps } from './components/email-layout.js';
import { Footer, type FooterProps } from './components/footer.js';
import { Masthead } from './components/masthead.js';
import { StoryCard, type StoryCardProps } from './components/story-card.js';
import { TrialCta, type TrialCtaProps } from './components/trial-cta.js';
import {
  previewFooter,
  previewPublication,
  previewStories,
  previewTrialUrl,
} from './preview-data.js';
import { styles } from './theme.js';

export interface TrialInvitationEmailProps {
  publicationName: string;
  /** "Recent stories for you". */
  title: string;
  previewText: string;
  greeting: string;
  /** Marketing's opening paragraph. */
  intro: string;
  stories: StoryCardProps[];
  /** Absent only for a reader who already has full access. */
  trialCta: TrialCtaProps | null;
  footer: FooterProps;
}

const PreviewProps = {
  publicationName: previewPublication,
  title: 'Recent stories for you',
  previewText: 'Commerce adds 27 Chinese entities to Entity List, and more on your interests',
  greeting: 'Hi Ann,',
  intro:
    'Here is what our newsroom published this week on the subjects you told us about. A free trial gives you every story in full.',
  stories: previewStories.map((story) => ({ ...story, href: previewTrialUrl, locked: true })),
  trialCta: { publicationName: previewPublication, href: previewTrialUrl },
  footer: {
    ...previewFooter,
    reason: 'You get this because you asked to hear from us.',
  },
} satisfies TrialInvitationEmailProps;

/** The line that marks an invitation as promotional, shared by the HTML and text parts. */
export function describePromotion(publicationName: string): string {
  return `This is a promotional offer from ${publicationName}.`;
}

/** A marketing invitation: recent stories on the prospect's interests and a trial call to action. */
export default function TrialInvitationEmail(input: TrialInvitationEmailProps) {
  const props = pickPreviewProps(input, PreviewProps);
  return (
    <EmailLayout
      publicationName={props.publicationName}
      title={props.title}
      previewText={props.previewText}
    >
      <Masthead publicationName={props.publicationName} title={props.title} periodLabel="" />
      <Section style={{ ...styles.inner, paddingTop: '20px' }}>
        <Text style={styles.text}>{props.greeting}</Text>
        <Text style={styles.text}>{props.intro}</Text>
      </Section>
      {props.trialCta ? (
        <Section style={styles.inner}>
          <TrialCta {...props.trialCta} />
        </Section>
      ) : null}
      <Section style={styles.inner}>
        {props.stories.map((story, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: stories keep their order in a render
          <StoryCard key={i} {...story} ruleAbove={i > 0} />
        ))}
      </Section>
      <Footer {...props.footer} notice={describePromotion(props.publicationName)} />
    </EmailLayout>
  );
}

TrialInvitationEmail.PreviewProps = PreviewProps;
