import type { UnsubscribeList } from '../../domain/signed-token.js';
import { Layout } from './layout.js';

/** What each list is called on the page. */
export const LIST_NAMES: Record<UnsubscribeList, string> = {
  instant: 'instant alerts',
  daily: 'the daily digest',
  weekly: 'the weekly digest',
  marketing: 'offers and trial invitations',
  all: 'all emails',
};

/** Where the address stands: mailed, unsubscribed from everything, or blocked for good. */
export type MailingStanding = 'subscribed' | 'unsubscribed' | 'blocked';

export interface UnsubscribePageProps {
  publicationName: string;
  email: string;
  /** The list the link came from. */
  list: UnsubscribeList;
  standing: MailingStanding;
  /** What the reader just did here, if anything. */
  done: { action: 'unsubscribed'; list: UnsubscribeList } | { action: 'resubscribed' } | null;
  preferencesUrl: string | null;
}

/**
 * The unsubscribe page. A GET shows it with buttons and changes nothing (mail scanners follow
 * links); each button posts the form back to the same link.
 */
export function UnsubscribePage(props: UnsubscribePageProps) {
  const { standing, done } = props;
  const title =
    done?.action === 'resubscribed'
      ? 'You are subscribed again'
      : standing === 'subscribed' && done === null
        ? 'Unsubscribe'
        : 'You are unsubscribed';
  return (
    <Layout publicationName={props.publicationName} title={title}>
      <Status {...props} />
      <Actions {...props} />
      {props.preferencesUrl ? (
        <p>
          <a href={props.preferencesUrl}>Choose what you get instead on your preferences page</a>
        </p>
      ) : null}
    </Layout>
  );
}

function Status({ email, list, standing, done }: UnsubscribePageProps) {
  if (done?.action === 'resubscribed') {
    return (
      <p role="status">
        {email} will get your topics’ emails again, as set on your preferences page.
      </p>
    );
  }
  if (done?.action === 'unsubscribed') {
    return (
      <p role="status">
        {done.list === 'all'
          ? `${email} will get no more emails from us.`
          : `${email} will get no more of ${LIST_NAMES[done.list]}.`}
      </p>
    );
  }
  if (standing === 'blocked') {
    return <p>We send no email to {email}: the address bounced or asked us to stop.</p>;
  }
  if (standing === 'unsubscribed') {
    return <p>{email} is unsubscribed from all emails.</p>;
  }
  return (
    <p>
      {list === 'all'
        ? `Stop all emails to ${email}?`
        : `Stop ${LIST_NAMES[list]} to ${email}? Your other emails keep coming.`}
    </p>
  );
}

function Actions({ list, standing, done }: UnsubscribePageProps) {
  if (standing === 'blocked') return null;
  if (standing === 'unsubscribed') {
    return (
      <div className="actions">
        <form method="post">
          <input type="hidden" name="action" value="resubscribe" />
          <button type="submit">Resubscribe</button>
        </form>
      </div>
    );
  }
  const offerList = list !== 'all' && !(done?.action === 'unsubscribed' && done.list === list);
  return (
    <div className="actions">
      {offerList ? (
        <form method="post">
          <input type="hidden" name="list" value={list} />
          <button type="submit">Unsubscribe from {LIST_NAMES[list]}</button>
        </form>
      ) : null}
      <form method="post">
        <input type="hidden" name="list" value="all" />
        <button type="submit" className={offerList ? 'secondary' : undefined}>
          Unsubscribe from all emails
        </button>
      </form>
    </div>
  );
}
