import { describe, expect, it } from 'vitest';
import { type PrefixEntry, PrefixTable } from '../../../src/domain/rules/prefix-table.js';
import { createRandom } from './random-rules.js';

function prefixesOf(table: PrefixTable<number>, text: string): string[] {
  const found: PrefixEntry<number>[] = [];
  table.collectPrefixesOf(text, found);
  return found.map((entry) => entry.prefix).sort((a, b) => b.length - a.length);
}

describe('PrefixTable', () => {
  it('finds every prefix of a text', () => {
    const table = new PrefixTable<number>();
    for (const prefix of ['sanc', 'san', 'sanction', 'sand', 'export', 'ex'])
      table.insert(prefix, 0);
    expect(prefixesOf(table, 'sanctions')).toEqual(['sanction', 'sanc', 'san']);
    expect(prefixesOf(table, 'sandy')).toEqual(['sand', 'san']);
    expect(prefixesOf(table, 'sanb')).toEqual(['san']);
    expect(prefixesOf(table, 'exporter')).toEqual(['export', 'ex']);
    expect(prefixesOf(table, 'sa')).toEqual([]);
  });

  it('agrees with a linear scan through random inserts and deletes', () => {
    const random = createRandom(3);
    const word = (max: number) => {
      let text = '';
      const length = Math.floor(random() * (max + 1));
      for (let i = 0; i < length; i++) text += 'abc'[Math.floor(random() * 3)];
      return text;
    };
    for (let trial = 0; trial < 500; trial++) {
      const table = new PrefixTable<number>();
      const present = new Set<string>();
      // Enough prefixes that the bit filter grows while entries come and go.
      for (let op = 0; op < 60; op++) {
        const prefix = word(5) || 'a';
        const entry = table.get(prefix);
        if (entry !== undefined) {
          if (random() < 0.6) {
            table.delete(entry);
            present.delete(prefix);
          }
        } else {
          table.insert(prefix, op);
          present.add(prefix);
        }
      }
      expect(table.size).toBe(present.size);
      for (let query = 0; query < 20; query++) {
        const text = word(6);
        const expected = [...present]
          .filter((prefix) => text.startsWith(prefix))
          .sort((a, b) => b.length - a.length);
        expect(prefixesOf(table, text)).toEqual(expected);
      }
    }
  });
});
