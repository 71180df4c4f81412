/**
 * Writes a readers' CSV for `subscribers import`, reproducibly from a seed: every plan, a
 * dozen time zones, one to three topics each at the three cadences, marketing consent for
 * some, and names with commas and quotes, so the parser's quoting is exercised. Rows are
 * generated and written one at a time: a million need no memory.
 *
 *   npx tsx bench/readers-csv.ts --rows 100000 --out readers.csv [--topics 50]
 */
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify';
import { READER_COLUMNS } from '../src/domain/reader-file.js';
import { ZONES } from './digest-population.js';
import { createRandom } from './synthetic-data.js';

export function benchTopicSlugs(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `topic-${i + 1}`);
}

const GIVEN = ['Ann', 'Bo', 'Chen', 'Dara', 'Émile', 'Fatima', 'Gus', 'Hana', 'Ivo', 'Jun'];
const FAMILY = ['Smith', "O'Neil", 'García', 'Nguyen', 'Kowalski, Jr.', 'Ito', 'Okafor'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** Writes `rows` readers to `file`; resolves once the file is complete. */
export async function writeReadersCsv(
  file: string,
  rows: number,
  topicSlugs: readonly string[],
  seed = 7,
): Promise<void> {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const out = fs.createWriteStream(file);
  const csv = stringify({ header: true, columns: [...READER_COLUMNS] });
  csv.pipe(out);
  for (let i = 0; i < rows; i++) {
    const plan = random() < 0.5 ? 'subscriber' : random() < 0.8 ? 'free' : 'trial';
    const cadence = random() < 0.2 ? 'instant' : random() < 0.8 ? 'daily' : 'weekly';
    const topics = new Set<string>();
    const wanted = 1 + Math.floor(random() * 3);
    while (topics.size < wanted) topics.add(pick(topicSlugs));
    const consent = random() < 0.3;
    const row = {
      email: `reader${i}@example${i % 97}.com`,
      name: random() < 0.1 ? '' : `${pick(GIVEN)} "${i}" ${pick(FAMILY)}`,
      plan,
      trial_ends: plan === 'trial' ? '2027-01-15' : '',
      tz: pick(ZONES),
      topics: [...topics].join(';'),
      cadence,
      at: cadence === 'instant' ? '' : pick(['06:30', '07:00', '08:00', '17:45']),
      day: cadence === 'weekly' ? pick(DAYS) : '',
      marketing_consent: consent ? 'yes' : 'no',
      consent_source: consent && random() < 0.5 ? 'signup-form' : '',
      consent_at: '',
    };
    if (!csv.write(row)) await new Promise((resolve) => csv.once('drain', resolve));
  }
  csv.end();
  await finished(out);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      out: { type: 'string', default: 'readers.csv' },
      topics: { type: 'string', default: '50' },
    },
  });
  await writeReadersCsv(values.out, Number(values.rows), benchTopicSlugs(Number(values.topics)));
  console.log(`wrote ${values.rows} readers to ${values.out}`);
}
