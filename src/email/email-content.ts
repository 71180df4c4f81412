import {
  type DigestContent,
  type EmailStory,
  listDistinctStories,
} from '../domain/digest-content.js';

export interface EmailReader {
  /** Named by id in the reader's links, which never carry the address. */
  id: number;
  /** The reader's own link secret, part of each link's signature. */
  linkSecret: string;
  email: string;
  name: string | null;
  /** From `decideAccess`, when the email is built. */
  fullAccess: boolean;
}

export interface LinkSettings {
  /** Origin of the web server that serves `/u/`, `/p/` and `/t/` links. */
  publicBaseUrl: string;
  secretKey: Buffer | string;
  postalAddress: string;
  /** e.g. "Trade Compliance Brief". */
  publicationName: string;
  /** Lifetime of trial and preferences links; 90 days when unset. */
  tokenTtlDays?: number;
}

export interface RenderedEmail {
  /** One line: never holds CR or LF. */
  subject: string;
  html: string;
  text: string;
  /** https one-click link, for the List-Unsubscribe header. */
  unsubscribeUrl: string;
  preferencesUrl: string;
}

/** Prefix and headline fit this many characters; the "(+N more)" counter follows. */
export const SUBJECT_TARGET_LENGTH = 78;
/** A headline is never cut shorter than this, even under a long prefix. */
const MIN_HEADLINE_LENGTH = 24;

/**
 * Writes a digest or alert subject from its content:
 * "Export controls daily: Commerce adds 27 Chinese entities to Entity List (+6 more)".
 * The counter counts every other story the digest holds, those the cap left out of the email
 * (`omitted`) included: the subject says what arrived, as the intro does, and the email's
 * "and N more" line accounts for the difference.
 * The prefix is the group's title when there is one group, else the publication name; alerts
 * carry the headline alone. The headline is shortened on a word boundary with an ellipsis so
 * that prefix and headline fit 78 characters (the counter, at most 12 more, follows), a
 * shouted (all-caps) headline is put in sentence case, and white space (CR/LF included)
 * collapses to single spaces.
 */
export function writeSubject(content: DigestContent, publicationName: string): string {
  const stories = listDistinctStories(content.groups);
  const lead = stories[0];
  const onlyGroup = content.groups.length === 1 ? content.groups[0] : undefined;
  const prefixName = collapseWhitespace(onlyGroup?.title ?? publicationName);
  const isAlert = content.kind === 'alert' || content.cadence === 'instant';
  if (!lead) {
    return isAlert ? `${prefixName}: new stories` : `${prefixName} ${content.cadence} digest`;
  }
  const prefix = isAlert ? '' : `${prefixName} ${content.cadence}: `;
  return composeSubject(prefix, lead.headline, stories.length - 1 + (content.omitted ?? 0));
}

/** Writes a trial invitation's subject: "Trade Compliance Brief: <headline> (+N more)". */
export function writeCampaignSubject(
  stories: readonly EmailStory[],
  publicationName: string,
): string {
  const distinct = listDistinctStories([{ title: '', stories: [...stories] }]);
  const name = collapseWhitespace(publicationName);
  const lead = distinct[0];
  if (!lead) return `${name}: start your free trial`;
  return composeSubject(`${name}: `, lead.headline, distinct.length - 1);
}

/** Turns every run of white space or control characters into one space, and trims. */
export function collapseWhitespace(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

function composeSubject(prefix: string, headline: string, more: number): string {
  const suffix = more > 0 ? ` (+${more} more)` : '';
  // The counter stays outside the budget: cutting "Entity List" to "Entity…" to make room
  // for "(+6 more)" would cost more meaning than the few characters it saves.
  const budget = Math.max(MIN_HEADLINE_LENGTH, SUBJECT_TARGET_LENGTH - prefix.length);
  const text = shortenOnWordBoundary(calmShouting(collapseWhitespace(headline)), budget);
  return `${prefix}${text}${suffix}`;
}

/** "OFAC SANCTIONS 12 BANKS" -> "Ofac sanctions 12 banks": spam filters and readers dislike caps. */
function calmShouting(text: string): string {
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length < 4 || letters !== letters.toUpperCase() || !/\p{Lu}/u.test(letters)) {
    return text;
  }
  const lower = text.toLowerCase();
  return lower.replace(/\p{L}/u, (first) => first.toUpperCase());
}

/** Cuts to at most `max` characters, at a word boundary when one is near, ending in "…". */
export function shortenOnWordBoundary(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join('');
  // The cut already ends a word when what follows is a space or punctuation.
  if (/^[\s,;:.!?)]/u.test(chars[max - 1] ?? '')) return `${trimTail(cut)}…`;
  const space = cut.lastIndexOf(' ');
  // A boundary far back would waste most of the room; cut inside the word then.
  const kept = space >= Math.floor(max * 0.6) ? cut.slice(0, space) : cut;
  return `${trimTail(kept)}…`;
}

function trimTail(text: string): string {
  return text.replace(/[\s,;:.–—-]+$/u, '');
}
