import { describe, expect, it } from 'vitest';
import { compilePart, createPlaceholders, fillPart } from '../../src/email/email-shell.js';

describe('compilePart and fillPart', () => {
  const { slots, slotMark, standIn, standInMark } = createPlaceholders();

  it('splits at every placeholder and fills each hole with its slot', () => {
    const rendered = `<p>${slots.greeting}</p><a href="${slots.unsubscribeUrl}">x</a>${slots.preferencesUrl}${slots.greeting}`;
    const part = compilePart(rendered, slotMark);
    expect(part.holes).toEqual([0, 1, 2, 0]);
    expect(part.literals).toEqual(['<p>', '</p><a href="', '">x</a>', '', '']);
    expect(fillPart(part, ['Hi Ann', 'U', 'P'])).toBe('<p>Hi Ann</p><a href="U">x</a>PHi Ann');
  });

  it('numbers trial links from slot 3 and reads numbers of several digits', () => {
    for (let i = 0; i < 12; i++) slots.trialUrl(`story-${i}`);
    const part = compilePart(`a${slots.trialUrl('story-11')}b`, slotMark);
    expect(part.holes).toEqual([14]);
  });

  it('leaves text alone that only starts like a mark, and text without any', () => {
    const lookalike = `${slotMark}x ${slotMark} ${slotMark}12`;
    expect(compilePart(lookalike, slotMark)).toEqual({ literals: [lookalike], holes: [] });
    expect(compilePart('', slotMark)).toEqual({ literals: [''], holes: [] });
  });

  it('keeps slots and stand-ins apart', () => {
    const rendered = `${standIn(0)}|${slots.greeting}|${standIn(1)}`;
    const cards = compilePart(rendered, standInMark);
    expect(cards.holes).toEqual([0, 1]);
    const filled = fillPart(cards, ['<card0>', '<card1>']);
    expect(filled).toBe(`<card0>|${slots.greeting}|<card1>`);
    expect(compilePart(filled, slotMark).holes).toEqual([0]);
  });

  it('refuses to fill a hole it has no value for', () => {
    expect(() => fillPart(compilePart(slots.preferencesUrl, slotMark), ['g'])).toThrow(
      /no value for slot 2/,
    );
  });
});
