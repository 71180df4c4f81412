/**
 * Text normalization shared by stories and queries (RULES.md, "Text normalization"):
 * NFKD, drop nonspacing marks, lowercase, then tokens are the maximal runs of letters
 * and digits.
 */

const NON_ASCII = /[\u0080-\uffff]/;
const ASCII_TOKEN = /[a-z0-9]+/g;
const NONSPACING_MARK = /\p{Mn}/gu;
const UNICODE_TOKEN = /[\p{L}\p{N}]+/gu;

/** Splits text into its normalized tokens, in order. */
export function tokenizeText(text: string): string[] {
  // ASCII is unchanged by NFKD and has no nonspacing marks: skip the costly steps.
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(ASCII_TOKEN) ?? [];
  const folded = text.normalize('NFKD').replace(NONSPACING_MARK, '').toLowerCase();
  return folded.match(UNICODE_TOKEN) ?? [];
}

/** The tokens of a text joined by single spaces: how tags and sections are compared. */
export function joinTokens(text: string): string {
  return tokenizeText(text).join(' ');
}

/** Length in Unicode code points, which is what RULES.md calls characters. */
export function countCharacters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
