import type { ReactNode } from 'react';
import { Layout } from './layout.js';

export interface MessagePageProps {
  publicationName: string;
  title: string;
  children: ReactNode;
}

/** A page that only tells something: an error, a link that expired, a placeholder. */
export function MessagePage({ publicationName, title, children }: MessagePageProps) {
  return (
    <Layout publicationName={publicationName} title={title}>
      {children}
    </Layout>
  );
}
