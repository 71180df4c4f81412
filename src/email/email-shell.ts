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
  pattern: RegExp;
  /** Text standing in for the `index`th piece of markup rendered apart (a story card). */
  standIn(index: number): string;
  /** Matches a stand-in; its group is the index. */
  standInPattern: RegExp;
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
    pattern: new RegExp(`zq${nonce}s(\\d+)e`),
    standIn: (index) => `zq${nonce}f${index}e`,
    standInPattern: new RegExp(`zq${nonce}f(\\d+)e`),
  };
}

/** Splits a rendered part at its placeholders. */
export function compilePart(rendered: string, pattern: RegExp): CompiledPart {
  const pieces = rendered.split(new RegExp(pattern.source, 'g'));
  const literals: string[] = [];
  const holes: number[] = [];
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) literals.push(piece);
    else holes.push(Number(piece));
  });
  return { literals, holes };
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
