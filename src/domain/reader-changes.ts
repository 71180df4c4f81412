import type { Plan, Reader } from './reader.js';

/** Marketing consent as an edit gives it: yes (with where and when, if known) or no. */
export type ConsentChange =
  | { given: true; source: string | null; at: Date | null }
  | { given: false };

/** What an edit of a reader asks for; an absent field is not to be changed. */
export interface ReaderEdit {
  name?: string | null;
  plan?: Plan;
  trialEndsAt?: Date | null;
  tz?: string;
  consent?: ConsentChange;
}

/** A reader's stored fields; consent carries where and when it was given. */
export interface ReaderFields {
  name: string | null;
  plan: Plan;
  trialEndsAt: Date | null;
  tz: string;
  marketingConsent: boolean;
  consentSource: string | null;
  consentAt: Date | null;
}

/** Some of a reader's fields: those absent are left as they are. */
export type ReaderChanges = Partial<ReaderFields>;

/**
 * The fields of a new reader: what the edit gives, else plan `free`, zone UTC, no consent.
 * Consent given without a source is recorded as `defaultSource` (`cli`, `import:FILE`), at
 * `now` unless the edit says when.
 */
export function newReaderFields(edit: ReaderEdit, defaultSource: string, now: Date): ReaderFields {
  const consent = edit.consent?.given ? edit.consent : null;
  return {
    name: edit.name ?? null,
    plan: edit.plan ?? 'free',
    trialEndsAt: edit.trialEndsAt ?? null,
    tz: edit.tz ?? 'UTC',
    marketingConsent: consent !== null,
    consentSource: consent ? (consent.source ?? defaultSource) : null,
    consentAt: consent ? (consent.at ?? now) : null,
  };
}

/**
 * What an edit changes of a reader: only the fields it gives that differ. Consent newly given
 * is recorded with its source and time; consent already on record keeps its source and time
 * unless the edit names others; withdrawn consent clears both.
 */
export function readerChanges(
  current: Reader,
  edit: ReaderEdit,
  defaultSource: string,
  now: Date,
): ReaderChanges {
  const changes: ReaderChanges = {};
  if (edit.name !== undefined && edit.name !== current.name) changes.name = edit.name;
  if (edit.plan !== undefined && edit.plan !== current.plan) changes.plan = edit.plan;
  if (edit.trialEndsAt !== undefined && !sameTime(edit.trialEndsAt, current.trialEndsAt))
    changes.trialEndsAt = edit.trialEndsAt;
  if (edit.tz !== undefined && edit.tz !== current.tz) changes.tz = edit.tz;
  const consent = edit.consent;
  if (consent?.given === false && current.marketingConsent) {
    Object.assign(changes, { marketingConsent: false, consentSource: null, consentAt: null });
  } else if (consent?.given && !current.marketingConsent) {
    Object.assign(changes, {
      marketingConsent: true,
      consentSource: consent.source ?? defaultSource,
      consentAt: consent.at ?? now,
    });
  } else if (consent?.given) {
    if (consent.source !== null && consent.source !== current.consentSource)
      changes.consentSource = consent.source;
    if (consent.at !== null && !sameTime(consent.at, current.consentAt))
      changes.consentAt = consent.at;
  }
  return changes;
}

/** The plan and trial end a reader would have after the changes. */
export function planAfter(current: Reader | null, changes: ReaderChanges) {
  return {
    plan: changes.plan ?? current?.plan ?? 'free',
    trialEndsAt:
      changes.trialEndsAt !== undefined ? changes.trialEndsAt : (current?.trialEndsAt ?? null),
  };
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}
