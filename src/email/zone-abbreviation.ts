import { DateTime } from 'luxon';

/**
 * Where English-reading readers of a US publication know a zone by letters: US usage first
 * (EST, PDT), then British usage, which knows the European ones (CET, CEST, BST) that US
 * usage only writes as offsets.
 */
const NAMING_LOCALES = ['en-US', 'en-GB'] as const;

/** What ICU writes when it knows no letters for a zone: "GMT+5:30", "GMT-3". */
const OFFSET_ONLY = /^(GMT|UTC)[+\-−]/;

const namers = new Map<string, Intl.DateTimeFormat>();

/**
 * How a reader in `zone` names its time at `instant`: its abbreviation where one exists
 * ("EST", "EDT", "CET", "CEST", "GMT", "UTC"), otherwise its offset from UTC ("UTC+05:30",
 * "UTC-03:00"). Daylight saving decides which: the same zone says EST in January, EDT in
 * July. Throws on an unknown zone, as Intl does.
 */
export function abbreviateTimeZone(instant: Date, zone: string): string {
  for (const locale of NAMING_LOCALES) {
    const name = namerFor(locale, zone)
      .formatToParts(instant)
      .find((part) => part.type === 'timeZoneName')?.value;
    if (name && !OFFSET_ONLY.test(name)) return name;
  }
  return `UTC${DateTime.fromJSDate(instant, { zone }).toFormat('ZZ')}`;
}

function namerFor(locale: string, zone: string): Intl.DateTimeFormat {
  const key = `${locale}|${zone}`;
  let namer = namers.get(key);
  if (!namer) {
    namer = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
    namers.set(key, namer);
  }
  return namer;
}
