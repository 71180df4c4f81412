import { randomBytes } from 'node:crypto';
import type { ReaderSlots } from './email-view.js';

/**
 * Render-once support: an email rendered with placeholders where the per-reader parts go
 * (greeting, unsubscribe, preferences and trial links), split so that each reader's copy is a
 * concatenation. Placeholders carry a random nonce, so story text can never contain one.
 */

/** Literal text around numbered holes: `literals.length === holes.length + 1`. */
export interface CompiledPart {
  literals: string[];
  holes: number[];
}

/** Slot numbers: the first three are fixed; trial links follow, one per story. */
export const GREETING_SLOT = 0;
export const UNSUBSCRIBE_SLOT = 1;
export const PREFERENCES_SLOT = 2;
export const FIRST_TRIAL_SLOT = 3;

export interface PlaceholderSet {
  slots: ReaderSlots;
  /** Story ids whose trial links the render asked for, in slot order from slot 3. */
  trialStoryIds: string[];
  /** What every slot's placeholder starts with; its number and an `e` follow. */
  slotMark: string;
  /** Text standing in for the `index`th piece of markup rendered apart (a story card). */
  standIn(index: number): string;
  /** What every stand-in starts with; its index and an `e` follow. */
  standInMark: string;
}

/** Creates fresh placeholders; the nonce is only letters and digits, so no escaping alters it. */
export function createPlaceholders(): PlaceholderSet {
  const nonce = randomBytes(16).toString('hex');
  const mark = (slot: number) => `zq${nonce}s${slot}e`;
  const trialStoryIds: string[] = [];
  const slots: ReaderSlots = {
    greeting: mark(GREETING_SLOT),
    unsubscribeUrl: mark(UNSUBSCRIBE_SLOT),
    preferencesUrl: mark(PREFERENCES_SLOT),
    trialUrl(storyId: string): string {
      let index = trialStoryIds.indexOf(storyId);
      if (index < 0) index = trialStoryIds.push(storyId) - 1;
      return mark(FIRST_TRIAL_SLOT + index);
    },
  };
  return {
    slots,
    trialStoryIds,
    slotMark: `zq${nonce}s`,
    standIn: (index) => `zq${nonce}f${index}e`,
    standInMark: `zq${nonce}f`,
  };
}

/**
 * Splits a rendered part at its placeholders (`mark`, digits, `e`), scanning with indexOf: a
 * digest's 60 KB of markup is split twice per email, and a split on a regular expression was
 * 1.5 s of the 47 s of CPU a 10,000-digest morning took.
 */
export function compilePart(rendered: string, mark: string): CompiledPart {
  const literals: string[] = [];
  const holes: number[] = [];
  let literalStart = 0;
  let at = rendered.indexOf(mark);
  while (at >= 0) {
    const digitsStart = at + mark.length;
    let end = digitsStart;
    while (end < rendered.length && isDigit(rendered.charCodeAt(end))) end++;
    if (end > digitsStart && rendered[end] === 'e') {
      literals.push(rendered.slice(literalStart, at));
      holes.push(Number(rendered.slice(digitsStart, end)));
      literalStart = end + 1;
      at = rendered.indexOf(mark, literalStart);
    } else {
      // Only the start of a mark (the nonce makes it all but impossible): not a hole.
      at = rendered.indexOf(mark, at + 1);
    }
  }
  literals.push(rendered.slice(literalStart));
  return { literals, holes };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Fills the holes with values already escaped for the part's context. */
export function fillPart(part: CompiledPart, values: readonly string[]): string {
  let out = part.literals[0]!;
  for (let i = 0; i < part.holes.length; i++) {
    const value = values[part.holes[i]!];
    if (value === undefined) throw new Error(`no value for slot ${part.holes[i]}`);
    out += value + part.literals[i + 1]!;
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = {
  '"': '&quot;',
  '&': '&amp;',
  "'": '&#x27;',
  '<': '&lt;',
  '>': '&gt;',
};

/**
 * Escapes text for HTML text and quoted attribute values exactly as React's server renderer
 * does, so a filled copy is byte-for-byte the copy React would have rendered.
 */
export function escapeHtml(text: string): string {
  return text.replace(/["&'<>]/g, (char) => HTML_ESCAPES[char]!);
}
