import { Heading } from '@react-email/heading';
import { Link } from '@react-email/link';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { colors, fonts, sizes, styles } from '../theme.js';

/** One story as the templates show it; links are final (direct, or a reader's trial link). */
export interface StoryCardProps {
  headline: string;
  /** The story itself, or the signed trial link when `locked`; `null` when the story has no usable link. */
  href: string | null;
  /** Publication date in the reader's time zone, e.g. "27 Nov 2026". */
  dateLabel: string;
  section: string | null;
  /** The teaser anyone may read. */
  summary: string;
  /** Topic or rule names, for "Matched: …"; empty to leave the line out. */
  matched: string[];
  /** Paywalled and the reader has no access: the link leads to a trial. */
  locked: boolean;
}

/** The words of a story's link, shared by the HTML and text parts. */
export function describeStoryLink(locked: boolean): string {
  return locked ? 'Start a free trial to read the full story' : 'Read the story';
}

/** The "Matched: …" line, shared by the HTML and text parts; empty when nothing is listed. */
export function describeMatched(matched: readonly string[]): string {
  return matched.length > 0 ? `Matched: ${matched.join(', ')}` : '';
}

/** Shows the line under a headline: date and section. */
export function describeDateline(story: Pick<StoryCardProps, 'dateLabel' | 'section'>): string {
  return story.section ? `${story.dateLabel} · ${story.section}` : story.dateLabel;
}

/**
 * A headline linked to the story (or trial), its dateline, teaser and why it was sent.
 * `ruleAbove` draws a line between it and the card before; the first card of a list has none,
 * and no card draws one below, so whatever follows the list (the footer's rule) is the only
 * divider there.
 */
export function StoryCard({ ruleAbove, ...story }: StoryCardProps & { ruleAbove: boolean }) {
  const matched = describeMatched(story.matched);
  return (
    <Section style={ruleAbove ? ruledCardStyle : cardStyle}>
      <Heading as="h3" style={headlineStyle}>
        {story.href ? (
          <Link href={story.href} style={headlineLinkStyle}>
            {story.headline}
          </Link>
        ) : (
          story.headline
        )}
      </Heading>
      <Text style={datelineStyle}>{describeDateline(story)}</Text>
      {story.summary ? <Text style={styles.text}>{story.summary}</Text> : null}
      {matched ? <Text style={styles.small}>{matched}</Text> : null}
      {story.href ? (
        <Text style={linkLineStyle}>
          <Link href={story.href} style={story.locked ? lockedLinkStyle : styles.link}>
            {describeStoryLink(story.locked)}
          </Link>
        </Text>
      ) : null}
    </Section>
  );
}

const cardStyle = { padding: '16px 0 4px' };
const ruledCardStyle = { ...cardStyle, borderTop: `1px solid ${colors.rule}` };
const headlineStyle = {
  fontFamily: fonts.headline,
  fontSize: sizes.headline,
  lineHeight: '1.3',
  margin: '0 0 4px',
};
const headlineLinkStyle = { color: colors.ink, textDecoration: 'none' };
const datelineStyle = { ...styles.small, margin: '0 0 8px' };
const linkLineStyle = { ...styles.text, fontWeight: 'bold' };
const lockedLinkStyle = { ...styles.link, color: colors.locked };
