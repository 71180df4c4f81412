import { countCharacters } from './normalize.js';

// "Digits" in RULES.md are the N* characters that tokens are made of.
const HAS_DIGIT = /\p{N}/u;

/**
 * The light stemmer of RULES.md: at most one suffix rule, only for tokens of 4 or more
 * characters without a digit.
 */
export function stemToken(token: string): string {
  if (token.length < 4) return token;
  if (token.length < 8 && countCharacters(token) < 4) return token;
  const last = token.charCodeAt(token.length - 1);
  // Every rule needs a final `s`; most tokens leave here.
  if (last !== 0x73) return token;
  if (HAS_DIGIT.test(token)) return token;
  if (token.endsWith('ies') && !token.endsWith('eies') && !token.endsWith('aies')) {
    return `${token.slice(0, -3)}y`;
  }
  if (
    token.endsWith('es') &&
    !token.endsWith('aes') &&
    !token.endsWith('ees') &&
    !token.endsWith('oes')
  ) {
    return token.slice(0, -1);
  }
  if (!token.endsWith('us') && !token.endsWith('ss')) return token.slice(0, -1);
  return token;
}
