import { describe, expect, it } from 'vitest';
import { zoneOptionsHtml } from '../../src/http/pages/preferences-page.js';

const ZONES = ['America/New_York', 'Europe/Paris', 'UTC'];

function selected(html: string): string[] {
  return [...html.matchAll(/<option[^>]* selected=""[^>]*>([^<]*)</g)].map((m) => m[1] as string);
}

describe('the time zone options of the preferences page', () => {
  it('lists every zone once, with spaces for underscores, and selects the given one', () => {
    const html = zoneOptionsHtml(ZONES, 'UTC', 'Europe/Paris');
    expect(html).toBe(
      '<option value="America/New_York">America/New York</option>' +
        '<option selected="">Europe/Paris</option><option>UTC</option>',
    );
  });

  it('selects a zone whose value differs from its label', () => {
    expect(selected(zoneOptionsHtml(ZONES, 'UTC', 'America/New_York'))).toEqual([
      'America/New York',
    ]);
  });

  it('offers the reader’s own zone first when the runtime does not list it', () => {
    const html = zoneOptionsHtml(ZONES, 'Asia/Old_Zone', 'Asia/Old_Zone');
    expect(
      html.startsWith('<option value="Asia/Old_Zone" selected="">Asia/Old Zone</option>'),
    ).toBe(true);
    expect(html.match(/<option/g)).toHaveLength(4);
  });

  it('selects nothing for a refused value, so the browser shows the first', () => {
    expect(selected(zoneOptionsHtml(ZONES, 'UTC', 'Mars/Olympus'))).toEqual([]);
  });

  it('escapes what it writes and keeps no selection between calls', () => {
    const odd = ['A/"quoted"_<b>'];
    expect(zoneOptionsHtml(odd, odd[0] as string, 'none')).toBe(
      '<option value="A/&quot;quoted&quot;_&lt;b&gt;">A/&quot;quoted&quot; &lt;b&gt;</option>',
    );
    zoneOptionsHtml(ZONES, 'UTC', 'UTC');
    expect(selected(zoneOptionsHtml(ZONES, 'UTC', 'Europe/Paris'))).toEqual(['Europe/Paris']);
  });
});
