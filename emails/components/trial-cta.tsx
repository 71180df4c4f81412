import { Heading } from '@react-email/heading';
import { Section } from '@react-email/section';
import { Text } from '@react-email/text';
import { colors, fonts, sizes, styles } from '../theme.js';
import { ButtonLink } from './button-link.js';

export interface TrialCtaProps {
  publicationName: string;
  /** The reader's signed trial link. */
  href: string;
}

/** The words of the call to action, shared by the HTML and text parts. */
export const trialCtaCopy = {
  heading: 'Read every story in full',
  body: (publicationName: string) =>
    `Start a free trial of ${publicationName} for full access to every story in this email and the archive.`,
  button: 'Start your free trial',
} as const;

/** The one trial call to action of an email. */
export function TrialCta({ publicationName, href }: TrialCtaProps) {
  return (
    <Section style={boxStyle}>
      <Heading as="h2" style={headingStyle}>
        {trialCtaCopy.heading}
      </Heading>
      <Text style={styles.text}>{trialCtaCopy.body(publicationName)}</Text>
      <ButtonLink
        href={href}
        background={colors.accent}
        color={colors.accentInk}
        padding="12px 20px"
        labelStyle={labelStyle}
      >
        {trialCtaCopy.button}
      </ButtonLink>
    </Section>
  );
}

const boxStyle = {
  backgroundColor: colors.ctaBackground,
  border: `1px solid ${colors.ctaBorder}`,
  padding: `16px ${sizes.gutter}`,
  margin: '20px 0',
};
const headingStyle = {
  fontFamily: fonts.headline,
  fontSize: sizes.headline,
  margin: '0 0 8px',
  color: colors.ink,
};
const labelStyle = { fontFamily: fonts.body, fontSize: sizes.body, fontWeight: 'bold' };
