import type { CSSProperties } from 'react';

/** Design tokens: every color, font and size the emails use is named here. */
export const colors = {
  page: '#f3f4f6',
  card: '#ffffff',
  ink: '#1d2330',
  muted: '#5b6475',
  rule: '#e3e6eb',
  accent: '#0b4a82',
  accentInk: '#ffffff',
  locked: '#8a5a00',
  ctaBackground: '#fff8e6',
  ctaBorder: '#f0d9a0',
} as const;

export const fonts = {
  body: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  headline: "Georgia, 'Times New Roman', Times, serif",
} as const;

export const sizes = {
  maxWidth: '600px',
  gutter: '24px',
  body: '15px',
  small: '13px',
  headline: '19px',
  masthead: '24px',
  lineHeight: '1.5',
} as const;

/** Shared inline styles: email clients ignore style sheets, so every element carries its own. */
export const styles = {
  body: {
    backgroundColor: colors.page,
    margin: '0',
    padding: '16px 0',
    fontFamily: fonts.body,
    color: colors.ink,
  },
  container: {
    maxWidth: sizes.maxWidth,
    width: '100%',
    margin: '0 auto',
    backgroundColor: colors.card,
    border: `1px solid ${colors.rule}`,
  },
  inner: { padding: `0 ${sizes.gutter}` },
  text: {
    fontSize: sizes.body,
    lineHeight: sizes.lineHeight,
    margin: '0 0 12px',
    color: colors.ink,
  },
  small: {
    fontSize: sizes.small,
    lineHeight: sizes.lineHeight,
    margin: '0 0 8px',
    color: colors.muted,
  },
  link: { color: colors.accent, textDecoration: 'underline' },
  rule: { borderColor: colors.rule, margin: '20px 0' },
} satisfies Record<string, CSSProperties>;
