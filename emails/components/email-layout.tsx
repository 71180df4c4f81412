// Each component from its own package, here and in every template: the @react-email/components
// barrel also loads code-block (prismjs), markdown and tailwind, 0.6–0.8 s at every start.

import { Body } from '@react-email/body';
import { Container } from '@react-email/container';
import { Head } from '@react-email/head';
import { Html } from '@react-email/html';
import { Preview } from '@react-email/preview';
import type { ReactNode } from 'react';
import { styles } from '../theme.js';

export interface EmailLayoutProps {
  publicationName: string;
  /** The email's title; with the publication's name it makes the document `<title>`. */
  title: string;
  /** The line clients show after the subject; the same for every reader of this content. */
  previewText: string;
  children: ReactNode;
}

/** The page every email sits on: a centered column at most 600px wide. */
export function EmailLayout({ publicationName, title, previewText, children }: EmailLayoutProps) {
  return (
    <Html lang="en" dir="ltr">
      <Head>
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
        <title>{`${title} · ${publicationName}`}</title>
      </Head>
      <Preview>{previewText}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>{children}</Container>
      </Body>
    </Html>
  );
}

/**
 * `email export` and a bare `email dev` render a template with no props at all; they then get
 * the preview. A template called with real props never mixes in preview values.
 */
export function pickPreviewProps<P extends object>(props: P, previewProps: P): P {
  return Object.keys(props).length === 0 ? previewProps : props;
}
