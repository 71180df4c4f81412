import { Hr, Link, Section, Text } from '@react-email/components';
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
      <Text style={styles.small}>
        {props.publicationName}
        {' · '}
        {props.postalAddress}
      </Text>
    </Section>
  );
}
