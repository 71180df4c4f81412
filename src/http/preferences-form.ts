import type { FieldProblem } from '../services/input-error.js';
import type { PreferenceChanges, SubscriptionChanges } from '../services/web/index.js';

/** The names of the preferences form's controls; one subscription's carry its id. */
export const formField = {
  cadence: (id: number) => `cadence-${id}`,
  sendAt: (id: number) => `at-${id}`,
  weekday: (id: number) => `day-${id}`,
  weekdays: (id: number) => `weekdays-${id}`,
  paused: (id: number) => `paused-${id}`,
  drop: (id: number) => `drop-${id}`,
  tz: 'tz',
  pauseDays: 'pause-days',
  follow: 'follow',
  followCadence: 'follow-cadence',
  marketing: 'marketing',
} as const;

/** The form as posted: every value text (checkboxes are present or absent). */
export type FormValues = Record<string, string | undefined>;

/** The form's per-subscription controls: `cadence-12` is subscription 12's cadence. */
const SUBSCRIPTION_CONTROLS = ['cadence', 'at', 'day', 'weekdays', 'paused', 'drop'] as const;

/**
 * JSON schema of the form body: known controls only, each one short text. Values are checked
 * by the service, which names every wrong one, so the form can be shown again with the errors.
 */
export const preferencesBodySchema = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: ['save', 'unsubscribe', 'resubscribe'] },
    [formField.tz]: { type: 'string', maxLength: 64 },
    [formField.pauseDays]: { type: 'string', maxLength: 8 },
    [formField.follow]: { type: 'string', maxLength: 64 },
    [formField.followCadence]: { type: 'string', maxLength: 16 },
    [formField.marketing]: { type: 'string', maxLength: 8 },
  },
  patternProperties: {
    [`^(${SUBSCRIPTION_CONTROLS.join('|')})-[0-9]{1,12}$`]: { type: 'string', maxLength: 16 },
  },
  additionalProperties: false,
} as const;

/** The changes the posted form asks for, in the service's terms. */
export function readPreferenceChanges(values: FormValues): PreferenceChanges {
  const ids = new Set<number>();
  for (const name of Object.keys(values)) {
    const dash = name.lastIndexOf('-');
    const control = name.slice(0, dash);
    if ((SUBSCRIPTION_CONTROLS as readonly string[]).includes(control)) {
      ids.add(Number(name.slice(dash + 1)));
    }
  }
  const subscriptions: SubscriptionChanges[] = [...ids].map((id) => ({
    id,
    ...optional('cadence', values[formField.cadence(id)]),
    ...optional('sendAt', values[formField.sendAt(id)]),
    ...optional('weekday', values[formField.weekday(id)]),
    weekdays: values[formField.weekdays(id)] !== undefined,
    paused: values[formField.paused(id)] !== undefined,
    drop: values[formField.drop(id)] !== undefined,
  }));
  return {
    subscriptions,
    ...optional('tz', values[formField.tz]),
    ...optional('pauseDays', values[formField.pauseDays]),
    ...optional('follow', values[formField.follow]),
    ...optional('followCadence', values[formField.followCadence]),
    marketingConsent: values[formField.marketing] !== undefined,
  };
}

/** The form control each problem belongs to; a problem of the whole form goes under `form`. */
export function problemsByControl(problems: readonly FieldProblem[]): Map<string, string> {
  const byControl = new Map<string, string>();
  for (const { field, message } of problems) {
    const control = controlOf(field);
    if (!byControl.has(control)) byControl.set(control, message);
  }
  return byControl;
}

const SUBSCRIPTION_FIELD: Record<string, (id: number) => string> = {
  cadence: formField.cadence,
  sendAt: formField.sendAt,
  weekday: formField.weekday,
};

function controlOf(field: string): string {
  const [scope, id, name] = field.split('.');
  if (scope === 'subscriptions' && id && name && SUBSCRIPTION_FIELD[name]) {
    return (SUBSCRIPTION_FIELD[name] as (id: number) => string)(Number(id));
  }
  if (field === 'tz') return formField.tz;
  if (field === 'pauseDays') return formField.pauseDays;
  if (field === 'follow') return formField.follow;
  if (field === 'followCadence') return formField.followCadence;
  return 'form';
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
