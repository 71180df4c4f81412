import { CADENCES, type Cadence, WEEKDAYS } from '../../domain/subscription.js';
import type { Preferences, SubscriptionPreference } from '../../services/web/index.js';
import { formField } from '../preferences-form.js';
import { Checkbox, Field, type FormState, SelectField } from './form-controls.js';

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

const CADENCE_OPTIONS = CADENCES.map((c) => ({ value: c, label: CADENCE_LABELS[c] }));

/** "Your topics": each subscription's schedule, then a topic to follow besides. */
export function TopicsSection({
  preferences,
  form,
}: {
  preferences: Preferences;
  form: FormState;
}) {
  return (
    <>
      <h2>Your topics</h2>
      {preferences.subscriptions.length === 0 ? <p>You follow nothing yet.</p> : null}
      {preferences.subscriptions.map((sub) => (
        <SubscriptionFields key={sub.id} sub={sub} form={form} />
      ))}
      {preferences.otherTopics.length > 0 ? (
        <FollowTopicFields otherTopics={preferences.otherTopics} form={form} />
      ) : null}
    </>
  );
}

function SubscriptionFields({ sub, form }: { sub: SubscriptionPreference; form: FormState }) {
  const { value, checked, errors } = form;
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
        options={CADENCE_OPTIONS}
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

function FollowTopicFields({
  otherTopics,
  form,
}: {
  otherTopics: Preferences['otherTopics'];
  form: FormState;
}) {
  const { value, errors } = form;
  return (
    <fieldset>
      <legend>Follow another topic</legend>
      <SelectField
        name={formField.follow}
        label="Topic"
        value={value(formField.follow, '')}
        error={errors.get(formField.follow)}
        options={[
          { value: '', label: 'None' },
          ...otherTopics.map((t) => ({ value: t.slug, label: t.name })),
        ]}
      />
      <SelectField
        name={formField.followCadence}
        label="How often"
        value={value(formField.followCadence, 'daily')}
        error={errors.get(formField.followCadence)}
        options={CADENCE_OPTIONS}
      />
    </fieldset>
  );
}
