import { Heading } from '@react-email/heading';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { colors, fonts, sizes, styles } from '../theme.js';

export interface MastheadProps {
  publicationName: string;
  /** What this email is: "Export controls daily", "Alert", "Free trial". */
  title: string;
  /** The period or date it covers; empty for none. */
  periodLabel: string;
}

/** The publication's name over the email's title and period, in text (no logo image needed). */
export function Masthead({ publicationName, title, periodLabel }: MastheadProps) {
  return (
    <Section style={mastheadStyle}>
      <Text style={nameStyle}>{publicationName}</Text>
      <Heading as="h1" style={titleStyle}>
        {title}
      </Heading>
      {periodLabel ? <Text style={periodStyle}>{periodLabel}</Text> : null}
    </Section>
  );
}

const mastheadStyle = {
  backgroundColor: colors.accent,
  padding: `20px ${sizes.gutter}`,
};
const nameStyle = {
  ...styles.small,
  color: colors.accentInk,
  letterSpacing: '0.04em',
  margin: '0 0 4px',
};
const titleStyle = {
  fontFamily: fonts.headline,
  fontSize: sizes.masthead,
  lineHeight: '1.25',
  fontWeight: 'bold',
  color: colors.accentInk,
  margin: '0',
};
const periodStyle = { ...styles.small, color: colors.accentInk, margin: '6px 0 0' };
