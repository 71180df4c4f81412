import { MessagePage } from './message-page.js';

export interface ErrorPageProps {
  publicationName: string;
  status: number;
  /** Shown to the reader; never an internal detail. */
  message: string;
  /** The id the log carries for this request, for a server error. */
  requestId?: string;
}

const TITLES: Record<number, string> = {
  400: 'This request could not be used',
  404: 'Page not found',
  405: 'Not possible here',
  413: 'Too much at once',
  415: 'Not a form we can read',
};

/** The page for any request that failed: what happened, in a reader's words. */
export function ErrorPage({ publicationName, status, message, requestId }: ErrorPageProps) {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Not possible');
  return (
    <MessagePage publicationName={publicationName} title={title}>
      <p>{message}</p>
      {requestId ? <p className="small">Reference: {requestId}</p> : null}
    </MessagePage>
  );
}
