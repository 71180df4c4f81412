import type { ReactNode } from 'react';

/**
 * What a section of a form needs to show its controls: the value of each (the one just
 * posted when the form was refused, else the saved one) and the error beside it.
 */
export interface FormState {
  value: (name: string, saved: string) => string;
  checked: (name: string, saved: boolean) => boolean;
  errors: ReadonlyMap<string, string>;
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  error: string | undefined;
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode;
}

/** A labelled control with its hint and its error, both tied to it for screen readers. */
export function Field({ name, label, hint, error, children }: FieldProps) {
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

export function SelectField({ name, label, hint, value, error, options }: SelectFieldProps) {
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

export function Checkbox({
  name,
  label,
  checked,
}: {
  name: string;
  label: string;
  checked: boolean;
}) {
  return (
    <div className="field check">
      <input id={name} name={name} type="checkbox" value="on" defaultChecked={checked} />
      <label htmlFor={name}>{label}</label>
    </div>
  );
}
