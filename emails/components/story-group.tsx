import { Heading } from '@react-email/heading';
import { Section } from '@react-email/section';
import { colors, sizes, styles } from '../theme.js';
import { StoryCard, type StoryCardProps } from './story-card.js';

export interface StoryGroupProps {
  /** Topic name, or "Your searches". */
  title: string;
  stories: StoryCardProps[];
  /**
   * Text that stands in for each card, in order, where the renderer puts the card's markup
   * rendered on its own (once per story and variant); the cards are rendered here without it.
   */
  cardStandIns?: string[];
}

/** A topic's stories under its name; `showTitle` is off when the masthead already names it. */
export function StoryGroupSection({
  group,
  showTitle,
}: {
  group: StoryGroupProps;
  showTitle: boolean;
}) {
  return (
    <Section style={styles.inner}>
      {showTitle ? (
        <Heading as="h2" style={groupTitleStyle}>
          {group.title}
        </Heading>
      ) : null}
      {group.cardStandIns ??
        group.stories.map((story, i) => (
          // Position is the key: a story may appear under two topics, but once per group.
          // biome-ignore lint/suspicious/noArrayIndexKey: order is fixed for a render
          <StoryCard key={i} {...story} ruleAbove={i > 0} />
        ))}
    </Section>
  );
}

const groupTitleStyle = {
  fontSize: sizes.small,
  textTransform: 'uppercase' as const,
  letterSpacing: '0.06em',
  color: colors.muted,
  margin: '24px 0 0',
  paddingBottom: '6px',
  borderBottom: `2px solid ${colors.accent}`,
};
