/*
 * Header-shaped text: the fields of a delivery-status or feedback-report part (RFC 3464 and
 * RFC 5965 reuse the header syntax, in groups separated by blank lines) and the header block of
 * a quoted original. Read by hand, not by a MIME parser: the parts are small, already decoded,
 * and a parser would also follow what they do not need (the original's body).
 */

export type Fields = readonly (readonly [string, string])[];

/** A header block's fields, names lower-case, continuation lines unfolded. */
export function parseFields(block: string): Fields {
  const fields: [string, string][] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && fields.length > 0) {
      const last = fields[fields.length - 1] as [string, string];
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || colon > 76) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!-9;-~]+$/.test(name)) continue;
    fields.push([name, line.slice(colon + 1).trim()]);
  }
  return fields;
}

/** Groups of fields separated by blank lines: the message's fields, then one per recipient. */
export function parseFieldGroups(text: string): Fields[] {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map(parseFields)
    .filter((group) => group.length > 0);
}

/** The first value of a field, or null. */
export function field(fields: Fields, name: string): string | null {
  for (const [n, v] of fields) if (n === name) return v;
  return null;
}

/** Every value of a field, in order. */
export function fieldAll(fields: Fields, name: string): string[] {
  const values: string[] = [];
  for (const [n, v] of fields) if (n === name) values.push(v);
  return values;
}

/** The header block at the start of a text: everything up to the first blank line. */
export function headerBlockOf(text: string): string {
  const end = text.search(/\r?\n[ \t]*\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

const ADDRESS =
  /(?:"[^"\r\n]{1,64}"|[a-z0-9!#$%&'*+/=?^_`{|}~.-]+)@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/i;
const ADDRESS_ALL = new RegExp(ADDRESS.source, 'gi');

/**
 * The address in a value such as `rfc822; Ann@Example.com`, `"Ann" <ann@example.com>` or
 * `<ann@example.com>`, lower-cased; null when there is none. An address in angle brackets wins
 * over a bare one (a display name may look like an address).
 */
export function addressIn(value: string | null | undefined): string | null {
  if (!value) return null;
  const withoutType = value.replace(/^\s*(?:rfc822|x-[a-z0-9-]+|utf-8)\s*;/i, '');
  const angled = /<\s*([^<>\s]+@[^<>\s]+?)\s*>/.exec(withoutType);
  const candidate = angled ? angled[1] : withoutType;
  const match = ADDRESS.exec(candidate ?? '');
  return match ? trimAddress(match[0]) : null;
}

/** Every address in a text, lower-cased, in order, once each. */
export function addressesIn(text: string): string[] {
  const seen = new Set<string>();
  for (const match of text.matchAll(ADDRESS_ALL)) seen.add(trimAddress(match[0]));
  return [...seen];
}

function trimAddress(address: string): string {
  return address.replace(/^[.'`]+|[.'`]+$/g, '').toLowerCase();
}

/** Message-IDs (`<local@domain>`) in a value or a text, in order. */
export function messageIdsIn(text: string): string[] {
  return [...text.matchAll(/<([^<>\s@]{1,250}@[^<>\s@]{1,250})>/g)].map((m) => `<${m[1]}>`);
}
