import { describe, expect, it } from 'vitest';
import { showControlCharacters, stripControlCharacters } from '../../src/domain/clean-text.js';

const ONE_LINE = { allowNewlines: false };
const LINES = { allowNewlines: true };

const ESC = '\u001b';
const BEL = '\u0007';
/** Every code unit from U+0000 to U+00FF. */
const LATIN = Array.from({ length: 0x100 }, (_, code) => String.fromCharCode(code));
const isControl = (c: string) => c <= '\u001f' || (c >= '\u007f' && c <= '\u009f');

describe('stripControlCharacters', () => {
  it('keeps text without controls as it is', () => {
    const text = 'Zölle & „Sanktionen“ — 中国 🇪🇺\u00a0100 %\u2028';
    expect(stripControlCharacters(text, ONE_LINE)).toBe(text);
    expect(stripControlCharacters(text, LINES)).toBe(text);
  });

  it('removes C0 controls but tab, DEL and C1 controls, and keeps every other character', () => {
    const lineBreaks = ['\n', '\v', '\f', '\r', '\u0085'];
    for (const c of LATIN) {
      // Between « and », which cannot end an escape sequence: U+009B is one on its own.
      const cleaned = stripControlCharacters(`«${c}»`, ONE_LINE);
      const name = `U+${c.charCodeAt(0).toString(16)}`;
      if (lineBreaks.includes(c)) expect(cleaned, name).toBe('« »');
      else if (isControl(c) && c !== '\t') expect(cleaned, name).toBe('«»');
      else expect(cleaned, name).toBe(`«${c}»`);
    }
  });

  it('turns each line break into a space on one line, and into \\n where lines are allowed', () => {
    const text = 'one\r\ntwo\rthree\nfour\ffive\vsix\u0085seven';
    expect(stripControlCharacters(text, ONE_LINE)).toBe('one two three four five six seven');
    expect(stripControlCharacters(text, LINES)).toBe('one\ntwo\nthree\nfour\nfive\nsix\nseven');
  });

  it('keeps tabs', () => {
    expect(stripControlCharacters('a\tb', ONE_LINE)).toBe('a\tb');
    expect(stripControlCharacters('a\tb\n', LINES)).toBe('a\tb\n');
  });

  it.each([
    ['colours', `${ESC}[1;31mURGENT${ESC}[0m sanctions`, 'URGENT sanctions'],
    ['a cursor move and a screen clear', `a${ESC}[2J${ESC}[10;5Hb`, 'ab'],
    ['a title set with BEL', `${ESC}]0;pwned${BEL}Headline`, 'Headline'],
    [
      'a hyperlink ended by ESC \\',
      `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`,
      'click',
    ],
    ['the one-character C1 CSI', '\u009b31mred', 'red'],
    ['an unfinished sequence: only its controls go', `${ESC}]0;no end`, ']0;no end'],
  ])('removes terminal escape sequences whole: %s', (_what, text, expected) => {
    expect(stripControlCharacters(text, ONE_LINE)).toBe(expected);
    expect(stripControlCharacters(text, LINES)).toBe(expected);
  });

  it('replaces lone surrogates with U+FFFD and keeps pairs', () => {
    expect(stripControlCharacters('a\ud800b', ONE_LINE)).toBe('a\ufffdb');
    expect(stripControlCharacters('a\udc00b', ONE_LINE)).toBe('a\ufffdb');
    expect(stripControlCharacters('end\ud83d', ONE_LINE)).toBe('end\ufffd');
    expect(stripControlCharacters('\udc00\ud800', ONE_LINE)).toBe('\ufffd\ufffd');
    expect(stripControlCharacters('\ud83d\udcf0 news', ONE_LINE)).toBe('📰 news');
  });

  it('gives text that cleaning does not change again', () => {
    const text = `a\r\n${ESC}[31mb\u0000\u009f\ud800c\n\td`;
    for (const options of [ONE_LINE, LINES]) {
      const once = stripControlCharacters(text, options);
      expect(stripControlCharacters(once, options)).toBe(once);
      // No control is left but tab, and newline where allowed.
      expect([...once].filter((c) => isControl(c) && c !== '\t' && c !== '\n')).toEqual([]);
    }
    expect(stripControlCharacters(text, ONE_LINE)).not.toContain('\n');
  });
});

describe('showControlCharacters', () => {
  it('shows each control as its escape, so the terminal prints it instead of acting on it', () => {
    expect(showControlCharacters(`${ESC}[2J${ESC}]0;x${BEL}Ann\r`)).toBe(
      '\\u001b[2J\\u001b]0;x\\u0007Ann\\u000d',
    );
    expect(showControlCharacters('a\u0000b\u007fc\u0085d\u009be')).toBe(
      'a\\u0000b\\u007fc\\u0085d\\u009be',
    );
  });

  it('shows tab and newline too on one line, where they would break the layout', () => {
    expect(showControlCharacters('a\tb\nc')).toBe('a\\u0009b\\u000ac');
  });

  it('lets lines and tabs through where they are allowed, and \\r\\n as \\n', () => {
    expect(showControlCharacters('Subject: x\r\n\r\nline\tone\nline two\rtail', LINES)).toBe(
      'Subject: x\n\nline\tone\nline two\\u000dtail',
    );
  });

  it('leaves everything else alone', () => {
    const text = 'Zölle — 中国 🇪🇺\u00a0\\u001b';
    expect(showControlCharacters(text)).toBe(text);
    for (const c of LATIN) {
      if (!isControl(c)) expect(showControlCharacters(c)).toBe(c);
      else expect(showControlCharacters(c)).toMatch(/^\\u00[0-9a-f]{2}$/);
    }
  });
});
