import type { Preferences } from '../../services/web/index.js';
import type { FormValues } from '../preferences-form.js';
import type { FormState } from './form-controls.js';
import { Layout } from './layout.js';
import { PreferencesNotices } from './preferences-notices.js';
import { OffersSection, UnsubscribeAllSection } from './preferences-opt-outs.js';
import { TimingSection } from './preferences-timing.js';
import { TopicsSection } from './preferences-topics.js';

// The page's parts live beside it, one file per section; these are imported from here.
export { CADENCE_LABELS } from './preferences-topics.js';
export { zoneOptionsHtml } from './zone-options.js';

export interface PreferencesPageProps {
  publicationName: string;
  preferences: Preferences;
  /** The IANA zones to choose from. */
  timeZones: readonly string[];
  /** The values just posted, shown again when they were refused. */
  posted: FormValues | null;
  /** Error messages by form control (`form` for the whole form). */
  errors: ReadonlyMap<string, string>;
  /** What was just done ("Your preferences are saved."). */
  notice: string | null;
}

/** The reader's preferences: each subscription's schedule, the zone, pauses and opt-outs. */
export function PreferencesPage(props: PreferencesPageProps) {
  const { preferences, errors, notice, posted } = props;
  const { reader } = preferences;
  const form: FormState = {
    value: (name, saved) => posted?.[name] ?? saved,
    checked: (name, saved) => (posted ? posted[name] !== undefined : saved),
    errors,
  };
  return (
    <Layout
      publicationName={props.publicationName}
      title="Your email preferences"
      scripts={['/assets/zone-hint.js']}
    >
      {notice ? (
        <p className="notice" role="status">
          <strong>{notice}</strong>
        </p>
      ) : null}
      <PreferencesNotices preferences={preferences} errors={errors} />
      <form method="post" noValidate>
        <input type="hidden" name="action" value="save" />
        <TopicsSection preferences={preferences} form={form} />
        <TimingSection reader={reader} timeZones={props.timeZones} form={form} />
        <OffersSection reader={reader} form={form} />
        <div className="actions">
          <button type="submit">Save</button>
        </div>
      </form>
      <UnsubscribeAllSection />
    </Layout>
  );
}
