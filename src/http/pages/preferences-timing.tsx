import type { Reader } from '../../domain/reader.js';
import { formField } from '../preferences-form.js';
import { Field, type FormState } from './form-controls.js';
import { zoneOptionsHtml } from './zone-options.js';

/** "When you get them": the reader's time zone, and a pause of everything for some days. */
export function TimingSection({
  reader,
  timeZones,
  form,
}: {
  reader: Reader;
  timeZones: readonly string[];
  form: FormState;
}) {
  const { value, errors } = form;
  return (
    <>
      <h2>When you get them</h2>
      <fieldset>
        <legend>Time zone</legend>
        <ZoneSelectField
          name={formField.tz}
          value={value(formField.tz, reader.tz)}
          error={errors.get(formField.tz)}
          zones={timeZones}
          current={reader.tz}
        />
        {/* /assets/zone-hint.js shows it when the browser's zone differs from the one selected. */}
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
    </>
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

/** The time zone select, its options made as markup once (see zoneOptionsHtml). */
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
