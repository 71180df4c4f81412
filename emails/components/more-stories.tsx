import { Link } from '@react-email/link';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { styles } from '../theme.js';

/** The stories a digest holds beyond those it shows. */
export interface MoreStoriesProps {
  /** How many; at least 1. */
  count: number;
  /** The publisher's site, where they can be read; null when no story gave a usable link. */
  href: string | null;
}

/** "and 12 more stories", shared by the HTML and text parts. */
export function describeMoreStories(count: number): string {
  return `and ${count} more ${count === 1 ? 'story' : 'stories'}`;
}

/** One line under the last story: how many more there are, linked to where they are. */
export function MoreStories({ count, href }: MoreStoriesProps) {
  const words = describeMoreStories(count);
  return (
    <Section style={styles.inner}>
      <Text style={{ ...styles.text, margin: '16px 0 0' }}>
        {href ? (
          <Link href={href} style={styles.link}>
            {words}
          </Link>
        ) : (
          words
        )}
      </Text>
    </Section>
  );
}
