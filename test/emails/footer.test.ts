import { describe, expect, it } from 'vitest';
import { describeSender } from '../../emails/components/footer.js';

describe('describeSender', () => {
  it('puts the publication before an address that does not name it', () => {
    expect(
      describeSender('Trade Compliance Brief', '1200 Example Avenue NW, Washington, DC 20005'),
    ).toBe('Trade Compliance Brief · 1200 Example Avenue NW, Washington, DC 20005');
  });

  it('shows an address that names the publication alone, whatever its case', () => {
    // The placeholder settings: MAIL_FROM's name "Bulletin", POSTAL_ADDRESS "Bulletin, 1 …".
    expect(describeSender('Bulletin', 'Bulletin, 1 Placeholder Street, Nowhere')).toBe(
      'Bulletin, 1 Placeholder Street, Nowhere',
    );
    expect(describeSender('Trade Compliance Brief', 'TRADE COMPLIANCE BRIEF LLC, 1 Main St')).toBe(
      'TRADE COMPLIANCE BRIEF LLC, 1 Main St',
    );
    expect(describeSender('Trade Compliance Brief', 'c/o Trade Compliance Brief, 1 Main St')).toBe(
      'c/o Trade Compliance Brief, 1 Main St',
    );
  });

  it('reads a name with punctuation as the text it is', () => {
    expect(describeSender('A+B (Trade) Brief', 'A+B (Trade) Brief, 1 Main St')).toBe(
      'A+B (Trade) Brief, 1 Main St',
    );
    expect(describeSender('A.B', 'AxB, 1 Main St')).toBe('A.B · AxB, 1 Main St');
  });

  it('does not take part of a word for the name', () => {
    expect(describeSender('Brief', '1 Briefing Lane')).toBe('Brief · 1 Briefing Lane');
  });
});
