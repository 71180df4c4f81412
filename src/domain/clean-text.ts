/*
 * Text from outside (a publisher's story, a reader's name) may carry control characters: a
 * stray `\r`, a NUL, terminal escape sequences. They have no place in an email or a terminal,
 * where they garble the display or, in a terminal, act as commands. Bidirectional controls
 * (the right-to-left override U+202E above all) make text read in another order than it is
 * written ("Trojan Source"): a name `Ann\u202Emoc.live` shows as `Annevil.com`.
 */

/** `\r\n`, and each single character that ends a line: LF, VT, FF, CR, NEL (U+0085). */
const LINE_BREAK = /\r\n|[\n\v\f\r\u0085]/g;

/**
 * Terminal escape sequences, whole: CSI (`ESC [ 31m`, or the one-character C1 CSI) and OSC
 * (`ESC ] 0;title BEL`, or ended by `ESC \`). Removing only the ESC would leave `[31m` behind.
 */
const ESCAPE_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences start with controls
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)/g;

/** C0 controls but tab and LF, DEL, and C1 controls: what is left once lines are handled. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to remove
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Bidirectional formatting characters: the embeddings and overrides LRE, RLE, PDF, LRO, RLO
 * (U+202A–U+202E), the isolates LRI, RLI, FSI, PDI (U+2066–U+2069), and the marks LRM, RLM
 * (U+200E, U+200F) and ALM (U+061C).
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** Every C0 control, DEL, C1 control and bidirectional control, for showing them. */
const ANY_CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to show
  /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** Half of a surrogate pair without its other half: no character at all. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface CleanTextOptions {
  /** Keep line breaks (as `\n`); without, each becomes a space, so words stay apart. */
  allowNewlines: boolean;
}

/**
 * Text fit to store and show: terminal escape sequences and control characters (C0 but tab,
 * DEL, C1, bidirectional controls) removed, line breaks kept as `\n` or turned into spaces, and lone surrogates
 * replaced with U+FFFD. Everything else is kept as it is.
 */
export function stripControlCharacters(
  text: string,
  { allowNewlines }: CleanTextOptions = { allowNewlines: false },
): string {
  return text
    .replace(ESCAPE_SEQUENCE, '')
    .replace(LINE_BREAK, allowNewlines ? '\n' : ' ')
    .replace(CONTROL, '')
    .replace(BIDI_CONTROL, '')
    .replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Text safe to write to a terminal, with nothing hidden: each control character is shown as
 * its `\u001b`-style escape, so an escape sequence in a reader's name prints as text instead
 * of acting, and a right-to-left override stored before it was removed at the door prints as
 * `\u202e` instead of turning the rest of the line around. With `allowNewlines`, `\n` (and `\r\n`) and tab pass as they are.
 */
export function showControlCharacters(
  text: string,
  { allowNewlines }: CleanTextOptions = { allowNewlines: false },
): string {
  const lines = allowNewlines ? text.split(/\r?\n/) : [text];
  return lines
    .map((line) =>
      line.replace(ANY_CONTROL, (control) =>
        allowNewlines && control === '\t' ? control : unicodeEscape(control),
      ),
    )
    .join('\n');
}

/** `\u001b` for ESC: the form JSON and JavaScript use. */
export function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
