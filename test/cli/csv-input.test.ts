import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CsvRecord, type CsvSyntaxProblem, openCsv } from '../../src/cli/csv-input.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-csv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function read(text: string) {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  fs.writeFileSync(file, text);
  const problems: CsvSyntaxProblem[] = [];
  const csv = await openCsv(file, (p) => problems.push(p));
  const records: CsvRecord[] = [];
  for await (const record of csv.records) records.push(record);
  return { header: csv.header, records, problems, size: csv.size, bytes: csv.bytesRead() };
}

describe('reading a CSV file', () => {
  it('drops a byte-order mark and numbers records by the line they start on, CRLF or not', async () => {
    const { header, records } = await read(
      '\uFEFFemail,name\r\na@x.example,"Smith, Ann"\r\nb@x.example,"two\r\nlines"\r\n\r\nc@x.example,"say ""hi"""\r\n',
    );
    expect(header).toEqual(['email', 'name']);
    expect(records).toEqual([
      { line: 2, cells: ['a@x.example', 'Smith, Ann'] },
      { line: 3, cells: ['b@x.example', 'two\r\nlines'] },
      { line: 6, cells: ['c@x.example', 'say "hi"'] },
    ]);
  });

  it('reports the lines it cannot read, with their numbers', async () => {
    const { records, problems } = await read(
      'email,name\na@x.example,ok\nb@x.example,"bad"x\nc@x.example,fine\n',
    );
    // After a stray quote csv-parse cannot tell where the record ends: the next line goes too,
    // and is reported as well.
    expect(records.map((r) => r.line)).toEqual([2]);
    expect(problems.map((p) => p.line)).toEqual([3, 4]);
    expect(problems[0]?.message).toMatch(/Invalid Closing Quote/);
  });

  it('tells how far it has read, for the progress bar', async () => {
    const text = 'email\na@x.example\n';
    const { size, bytes } = await read(text);
    expect(size).toBe(Buffer.byteLength(text));
    expect(bytes).toBe(Buffer.byteLength(text));
  });
});
