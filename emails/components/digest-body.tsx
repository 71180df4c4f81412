import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { styles } from '../theme.js';
import { EmailLayout } from './email-layout.js';
import { Footer, type FooterProps } from './footer.js';
import { Masthead } from './masthead.js';
import { MoreStories, type MoreStoriesProps } from './more-stories.js';
import { type StoryGroupProps, StoryGroupSection } from './story-group.js';
import { TrialCta, type TrialCtaProps } from './trial-cta.js';

/** What digests and alerts show: the same parts, in the same order. */
export interface DigestBodyProps {
  publicationName: string;
  /** "Export controls daily", "Weekly digest". */
  title: string;
  /** The dates it covers: "Saturday, 28 November 2026", "23 November – 1 December 2026". */
  periodLabel: string;
  previewText: string;
  /** "Hi Ann," or "Hello,". */
  greeting: string;
  /** One line under the greeting: "7 new stories match what you follow." */
  intro: string;
  groups: StoryGroupProps[];
  /** The stories the digest holds beyond those shown (DIGEST_MAX_STORIES); null for none. */
  moreStories: MoreStoriesProps | null;
  /** Shown once, when a story is paywalled and the reader has no access. */
  trialCta: TrialCtaProps | null;
  footer: FooterProps;
}

/** A whole digest or alert email: masthead, greeting, story groups, one trial offer, footer. */
export function DigestBody({
  showGroupTitles,
  ...props
}: DigestBodyProps & { showGroupTitles: boolean }) {
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
        <StoryGroupSection key={i} group={group} showTitle={showGroupTitles} />
      ))}
      {props.moreStories ? <MoreStories {...props.moreStories} /> : null}
      {props.trialCta ? (
        <Section style={styles.inner}>
          <TrialCta {...props.trialCta} />
        </Section>
      ) : null}
      <Footer {...props.footer} />
    </EmailLayout>
  );
}
