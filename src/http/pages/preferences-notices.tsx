import type { Preferences } from '../../services/web/index.js';

/** What stands above the form: the errors that kept it from saving, and why no email goes. */
export function PreferencesNotices({
  preferences,
  errors,
}: {
  preferences: Preferences;
  errors: ReadonlyMap<string, string>;
}) {
  const { reader } = preferences;
  const unsubscribed = reader.status === 'unsubscribed' || preferences.suppressed !== null;
  return (
    <>
      {errors.size > 0 ? <ErrorSummary errors={errors} /> : null}
      <p>Email for {reader.email}.</p>
      {unsubscribed ? <UnsubscribedNotice blocked={isBlocked(preferences)} /> : null}
      {preferences.pausedUntil ? (
        <p className="notice">
          All emails are paused until {formatLocal(preferences.pausedUntil, reader.tz)}.
        </p>
      ) : null}
    </>
  );
}

/** Suppressed for a reason other than unsubscribing (a bounce, a complaint): no way back here. */
function isBlocked(preferences: Preferences): boolean {
  return preferences.suppressed !== null && preferences.suppressed !== 'unsubscribed';
}

function UnsubscribedNotice({ blocked }: { blocked: boolean }) {
  if (blocked) {
    return (
      <p className="notice">We send no email to this address: it bounced or asked us to stop.</p>
    );
  }
  return (
    <div className="notice">
      <p>You are unsubscribed from all emails: these settings wait until you come back.</p>
      <form method="post">
        <input type="hidden" name="action" value="resubscribe" />
        <button type="submit">Resubscribe</button>
      </form>
    </div>
  );
}

function ErrorSummary({ errors }: { errors: ReadonlyMap<string, string> }) {
  return (
    <div className="summary" role="alert">
      <h2>Nothing was saved: please check</h2>
      <ul>
        {[...errors].map(([control, message]) => (
          <li key={control}>
            {control === 'form' ? message : <a href={`#${control}`}>{message}</a>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function formatLocal(date: Date, tz: string): string {
  const local = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: tz,
  }).format(date);
  return `${local} (${tz.replaceAll('_', ' ')})`;
}
