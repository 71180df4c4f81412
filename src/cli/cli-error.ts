import { InputError } from '../services/input-error.js';

export { InputError };

/** The option (or argument) that carries each field the services name. */
const OPTION_OF_FIELD: Record<string, string> = {
  trialEndsAt: '--trial-ends',
  topic: '--topic',
  query: '--query',
  name: '--name',
  weekdays: '--weekdays',
  sendAt: '--at',
  weekday: '--day',
  cadence: '--cadence',
  plan: '--plan',
  tz: '--tz',
  subject: '--subject',
  audience: '--audience',
  stories: '--stories',
  rate: '--rate',
};

/** What to do about it, where the CLI has a command for it. */
const ADVICE: Record<string, string> = {
  'email:not-found': 'add one with subscribers add',
  'slug:exists': 'use topics update',
  'email:exists': 'use subscribers update to change it',
  'slug:in-use': 'give --force to remove it anyway',
};

/** An input error as the CLI says it: the option first, the advice after. */
export function describeInputError(error: InputError): string {
  const option = error.field === undefined ? undefined : OPTION_OF_FIELD[error.field];
  const advice = ADVICE[`${error.field}:${error.problem}`];
  return `${option ? `${option}: ` : ''}${error.message}${advice ? ` (${advice})` : ''}`;
}
