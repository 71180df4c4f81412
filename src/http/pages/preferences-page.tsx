import type { ReactNode } from 'react';
import { CADENCES, type Cadence, WEEKDAYS } from '../../domain/subscription.js';
import type { Preferences, SubscriptionPreference } from '../../services/web/index.js';
import { type FormValues, formField } from '../preferences-form.js';
import { Layout } from './layout.js';

export const CADENCE_LABELS: Record<Cadence, string> = {
  instant: 'As it happens',
  daily: 'Daily digest',
  weekly: 'Weekly digest',
};

const WEEKDAY_LABELS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];

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
  const { preferences, errors, notice } = props;
  const { reader } = preferences;
  const value = (name: string, saved: string) => props.posted?.[name] ?? saved;
  const checked = (name: string, saved: boolean) =>
    props.posted ? props.posted[name] !== undefined : saved;
  const unsubscribed = reader.status === 'unsubscribed' || preferences.suppressed !== null;
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
      {errors.size > 0 ? <ErrorSummary errors={errors} /> : null}
      <p>Email for {reader.email}.</p>
      {unsubscribed ? <UnsubscribedNotice blocked={isBlocked(preferences)} /> : null}
      {preferences.pausedUntil ? (
        <p className="notice">
          All emails are paused until {formatLocal(preferences.pausedUntil, reader.tz)}.
        </p>
      ) : null}
      <form method="post" noValidate>
        <input type="hidden" name="action" value="save" />
        <h2>Your topics</h2>
        {preferences.subscriptions.length === 0 ? <p>You follow nothing yet.</p> : null}
        {preferences.subscriptions.map((sub) => (
          <SubscriptionFields
            key={sub.id}
            sub={sub}
            value={value}
            checked={checked}
            errors={errors}
          />
        ))}
        {preferences.otherTopics.length > 0 ? (
          <fieldset>
            <legend>Follow another topic</legend>
            <SelectField
              name={formField.follow}
              label="Topic"
              value={value(formField.follow, '')}
              error={errors.get(formField.follow)}
              options={[
                { value: '', label: 'None' },
                ...preferences.otherTopics.map((t) => ({ value: t.slug, label: t.name })),
              ]}
            />
            <SelectField
              name={formField.followCadence}
              label="How often"
              value={value(formField.followCadence, 'daily')}
              error={errors.get(formField.followCadence)}
              options={CADENCES.map((c) => ({ value: c, label: CADENCE_LABELS[c] }))}
            />
          </fieldset>
        ) : null}
        <h2>When you get them</h2>
        <fieldset>
          <legend>Time zone</legend>
          <ZoneSelectField
            name={formField.tz}
            value={value(formField.tz, reader.tz)}
            error={errors.get(formField.tz)}
            zones={props.timeZones}
            current={reader.tz}
          />
          <p id="tz-suggestion" hidden>
            <button type="button" className="secondary">
              Use this browser’s time zone
            </button>
          </p>
        </fieldset>
        <fieldset>
          <legend>Pause all emails</legend>
          <Field
            name={formField.pauseDays}
            label="Pause everything for this many days"
            hint="0 resumes now; leave it blank to keep things as they are."
            error={errors.get(formField.pauseDays)}
          >
            {(describedBy, invalid) => (
              <input
                id={formField.pauseDays}
                name={formField.pauseDays}
                type="number"
                inputMode="numeric"
                min={0}
                max={365}
                defaultValue={value(formField.pauseDays, '')}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
              />
            )}
          </Field>
        </fieldset>
        <h2>Offers</h2>
        <Checkbox
          name={formField.marketing}
          label="Send me offers and trial invitations"
          checked={checked(formField.marketing, reader.marketingConsent)}
        />
        <div className="actions">
          <button type="submit">Save</button>
        </div>
      </form>
      <h2>Stop everything</h2>
      <form method="post">
        <input type="hidden" name="action" value="unsubscribe" />
        <button type="submit" className="secondary">
          Unsubscribe from all emails
        </button>
      </form>
    </Layout>
  );
}

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

interface SubscriptionFieldsProps {
  sub: SubscriptionPreference;
  value: (name: string, saved: string) => string;
  checked: (name: string, saved: boolean) => boolean;
  errors: ReadonlyMap<string, string>;
}

function SubscriptionFields({ sub, value, checked, errors }: SubscriptionFieldsProps) {
  const title = sub.topicName ?? `Your search “${sub.query ?? ''}”`;
  const at = formField.sendAt(sub.id);
  return (
    <fieldset>
      <legend>{title}</legend>
      <SelectField
        name={formField.cadence(sub.id)}
        label="How often"
        value={value(formField.cadence(sub.id), sub.cadence)}
        error={errors.get(formField.cadence(sub.id))}
        options={CADENCES.map((c) => ({ value: c, label: CADENCE_LABELS[c] }))}
      />
      <Field
        name={at}
        label="Send time"
        hint="24-hour, like 07:30 (daily and weekly digests)"
        error={errors.get(at)}
      >
        {(describedBy, invalid) => (
          <input
            id={at}
            name={at}
            type="time"
            defaultValue={value(at, sub.sendAt)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          />
        )}
      </Field>
      <SelectField
        name={formField.weekday(sub.id)}
        label="Day"
        hint="Weekly digests"
        value={value(formField.weekday(sub.id), WEEKDAYS[(sub.weekday ?? 1) - 1] ?? 'mon')}
        error={errors.get(formField.weekday(sub.id))}
        options={WEEKDAYS.map((d, i) => ({ value: d, label: WEEKDAY_LABELS[i] ?? d }))}
      />
      <Checkbox
        name={formField.weekdays(sub.id)}
        label="Weekdays only (daily digests: none on weekends and US federal holidays)"
        checked={checked(formField.weekdays(sub.id), sub.weekdays)}
      />
      <Checkbox
        name={formField.paused(sub.id)}
        label="Paused"
        checked={checked(formField.paused(sub.id), sub.paused)}
      />
      <Checkbox
        name={formField.drop(sub.id)}
        label={sub.topicName ? 'Stop following this topic' : 'Stop this search'}
        checked={checked(formField.drop(sub.id), false)}
      />
    </fieldset>
  );
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  error: string | undefined;
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode;
}

/** A labelled control with its hint and its error, both tied to it for screen readers. */
function Field({ name, label, hint, error, children }: FieldProps) {
  const ids = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean);
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {hint ? (
        <span className="hint" id={`${name}-hint`}>
          {hint}
        </span>
      ) : null}
      {children(ids.length > 0 ? ids.join(' ') : undefined, error !== undefined)}
      {error ? (
        <span className="error" id={`${name}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

interface SelectFieldProps {
  name: string;
  label: string;
  hint?: string;
  value: string;
  error: string | undefined;
  options: { value: string; label: string }[];
}

function SelectField({ name, label, hint, value, error, options }: SelectFieldProps) {
  // A refused value is not among the options; the first one shows instead, beside the error.
  return (
    <Field name={name} label={label} {...(hint ? { hint } : {})} error={error}>
      {(describedBy, invalid) => (
        <select
          id={name}
          name={name}
          defaultValue={value}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Checkbox({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  return (
    <div className="field check">
      <input id={name} name={name} type="checkbox" value="on" defaultChecked={checked} />
      <label htmlFor={name}>{label}</label>
    </div>
  );
}

interface ZoneSelectProps {
  name: string;
  value: string;
  error: string | undefined;
  zones: readonly string[];
  /** The reader's zone, offered even when this runtime does not list it. */
  current: string;
}

/**
 * The time zone select. Its four hundred options are the same on every page but for the one
 * selected, so their markup is made once and the selection marked in it: rendering them
 * through React on every page load took half of the page's time.
 */
function ZoneSelectField({ name, value, error, zones, current }: ZoneSelectProps) {
  return (
    <Field name={name} label="Your time zone" hint="Send times are in this zone." error={error}>
      {(describedBy, invalid) => (
        <select
          id={name}
          name={name}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          // biome-ignore lint/security/noDangerouslySetInnerHtml: escaped in zoneOptionsHtml
          dangerouslySetInnerHTML={{ __html: zoneOptionsHtml(zones, current, value) }}
        />
      )}
    </Field>
  );
}

/** The options' markup made once per list of zones, and where each zone's option lies in it. */
interface ZoneOptionsMarkup {
  html: string;
  at: Map<string, { start: number; end: number }>;
}

const zoneOptionsCache = new WeakMap<readonly string[], ZoneOptionsMarkup>();

function zoneOptionsMarkup(zones: readonly string[]): ZoneOptionsMarkup {
  let markup = zoneOptionsCache.get(zones);
  if (markup === undefined) {
    const at = new Map<string, { start: number; end: number }>();
    let html = '';
    for (const zone of zones) {
      const option = zoneOptionHtml(zone, false);
      at.set(zone, { start: html.length, end: html.length + option.length });
      html += option;
    }
    markup = { html, at };
    zoneOptionsCache.set(zones, markup);
  }
  return markup;
}

/** The options' markup, with `selected` on `value` (else on the first, as a browser would). */
export function zoneOptionsHtml(zones: readonly string[], current: string, value: string): string {
  const { html, at } = zoneOptionsMarkup(zones);
  // The reader's own zone comes first when this runtime does not list it.
  const extra = at.has(current) ? '' : zoneOptionHtml(current, current === value);
  const option = at.get(value);
  if (!option) return extra + html;
  return extra + html.slice(0, option.start) + zoneOptionHtml(value, true) + html.slice(option.end);
}

/**
 * One zone's option, shown with spaces for underscores. A zone without one is its own label
 * and needs no value attribute: the page carries four hundred of them.
 */
function zoneOptionHtml(zone: string, selected: boolean): string {
  const label = zone.replaceAll('_', ' ');
  const value = label === zone ? '' : ` value="${escapeHtml(zone)}"`;
  return `<option${value}${selected ? ' selected=""' : ''}>${escapeHtml(label)}</option>`;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function formatLocal(date: Date, tz: string): string {
  const local = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: tz,
  }).format(date);
  return `${local} (${tz.replaceAll('_', ' ')})`;
}
