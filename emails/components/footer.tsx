import { Hr } from '@react-email/hr';
import { Link } from '@react-email/link';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { styles } from '../theme.js';

export interface FooterProps {
  publicationName: string;
  /** Why the reader gets this: "You get this because you follow Export controls (daily)." */
  reason: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
  postalAddress: string;
  /** A first line for messages that must say what they are, e.g. that they are promotional. */
  notice?: string;
}

/** Labels shared by the HTML and text parts. */
export const footerCopy = { preferences: 'Manage your preferences', unsubscribe: 'Unsubscribe' };

/**
 * The sender's line, shared by the HTML and text parts: "Trade Compliance Brief · 1200 Example
 * Avenue…", or the address alone when it names the publication already ("Bulletin, 1 Placeholder
 * Street" would otherwise read "Bulletin · Bulletin, …").
 */
export function describeSender(publicationName: string, postalAddress: string): string {
  return namesIt(postalAddress, publicationName)
    ? postalAddress
    : `${publicationName} · ${postalAddress}`;
}

/** Whether `text` holds `name` as whole words, in any case ("Brief" is not in "Briefing"). */
function namesIt(text: string, name: string): boolean {
  if (name === '') return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

/**
 * The notice, when the email must say what it is; why the reader gets it; the preferences and
 * unsubscribe links; and the sender's address.
 */
export function Footer(props: FooterProps) {
  return (
    <Section style={styles.inner}>
      <Hr style={styles.rule} />
      {props.notice ? <Text style={styles.small}>{props.notice}</Text> : null}
      <Text style={styles.small}>{props.reason}</Text>
      <Text style={styles.small}>
        <Link href={props.preferencesUrl} style={styles.link}>
          {footerCopy.preferences}
        </Link>
        {' · '}
        <Link href={props.unsubscribeUrl} style={styles.link}>
          {footerCopy.unsubscribe}
        </Link>
      </Text>
      <Text style={styles.small}>{describeSender(props.publicationName, props.postalAddress)}</Text>
    </Section>
  );
}
