import { describe, expect, it } from 'vitest';
import { joinTokens, tokenizeText } from '../../../src/domain/rules/normalize.js';
import { stemToken } from '../../../src/domain/rules/stem.js';

describe('tokenizeText', () => {
  it.each([
    ['U.S. sanctions', ['u', 's', 'sanctions']],
    ['dual-use goods', ['dual', 'use', 'goods']],
    ["Xi's visit", ['xi', 's', 'visit']],
    ['10:30 GMT', ['10', '30', 'gmt']],
    ['Café Déjà-vu', ['cafe', 'deja', 'vu']],
    ['e\u0301te\u0301', ['ete']],
    ['ＡＢＣ１２３', ['abc123']],
    ['ﬁnance ²', ['finance', '2']],
    ['½', ['1', '2']],
    ['İstanbul', ['istanbul']],
    ['東京タワー 北京', ['東京タワー', '北京']],
    ['trade😀war🇺🇸', ['trade', 'war']],
    ['٣ أيام', ['٣', 'ايام']],
    ['  ', []],
    ['&&&', []],
  ])('%j', (text, tokens) => {
    expect(tokenizeText(text)).toEqual(tokens);
  });

  it('splits at spacing marks, which are neither letters nor digits', () => {
    // हिन्दी: the virama (Mn) is dropped; the vowel signs (Mc) separate tokens.
    expect(tokenizeText('हिन्दी')).toEqual(['ह', 'नद']);
  });

  it('joins tokens by single spaces for tags and sections', () => {
    expect(joinTokens('  Export   Controls! ')).toBe('export controls');
  });
});

describe('stemToken', () => {
  it.each([
    ['entities', 'entity'],
    ['ties', 'ty'],
    ['series', 'sery'],
    ['xeies', 'xeie'],
    ['xaies', 'xaie'],
    ['measures', 'measure'],
    ['taxes', 'taxe'],
    ['uses', 'use'],
    ['algaes', 'algae'],
    ['trees', 'tree'],
    ['shoes', 'shoe'],
    ['sanctions', 'sanction'],
    ['news', 'new'],
    ['status', 'status'],
    ['class', 'class'],
    ['sanction', 'sanction'],
    ['ies', 'ies'],
    ['gas', 'gas'],
    ['bus', 'bus'],
    ['g20s', 'g20s'],
    ['covid19s', 'covid19s'],
    ['abc٣s', 'abc٣s'],
    ['dias', 'dia'],
    ['東京都s', '東京都'],
    ['𠀀𠀀𠀀s', '𠀀𠀀𠀀'],
    ['𠀀𠀀s', '𠀀𠀀s'],
  ])('%s → %s', (token, stem) => {
    expect(stemToken(token)).toBe(stem);
  });
});
