/** The options' markup made once per list of zones, and where each zone's option lies in it. */
interface ZoneOptionsMarkup {
  html: string;
  at: Map<string, { start: number; end: number }>;
}

const zoneOptionsCache = new WeakMap<readonly string[], ZoneOptionsMarkup>();

function zoneOptionsMarkup(zones: readonly string[]): ZoneOptionsMarkup {
  let markup = zoneOptionsCache.get(zones);
  if (markup === undefined) {
    const at = new Map<string, { start: number; end: number }>();
    let html = '';
    for (const zone of zones) {
      const option = zoneOptionHtml(zone, false);
      at.set(zone, { start: html.length, end: html.length + option.length });
      html += option;
    }
    markup = { html, at };
    zoneOptionsCache.set(zones, markup);
  }
  return markup;
}

/**
 * The time zone select's options, with `selected` on `value` (else on the first, as a browser
 * would). Its four hundred options are the same on every page but for the one selected, so
 * their markup is made once and the selection marked in it: rendering them through React on
 * every page load took half of the page's time.
 */
export function zoneOptionsHtml(zones: readonly string[], current: string, value: string): string {
  const { html, at } = zoneOptionsMarkup(zones);
  // The reader's own zone comes first when this runtime does not list it.
  const extra = at.has(current) ? '' : zoneOptionHtml(current, current === value);
  const option = at.get(value);
  if (!option) return extra + html;
  return extra + html.slice(0, option.start) + zoneOptionHtml(value, true) + html.slice(option.end);
}

/**
 * One zone's option, shown with spaces for underscores. A zone without one is its own label
 * and needs no value attribute: the page carries four hundred of them.
 */
function zoneOptionHtml(zone: string, selected: boolean): string {
  const label = zone.replaceAll('_', ' ');
  const value = label === zone ? '' : ` value="${escapeHtml(zone)}"`;
  return `<option${value}${selected ? ' selected=""' : ''}>${escapeHtml(label)}</option>`;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
