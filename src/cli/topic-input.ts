import fs from 'node:fs';
import type { TopicProblem, TopicRecord } from '../services/topics/index.js';
import { InputError } from './cli-error.js';
import { openCsv } from './csv-input.js';
import { openInputLines, unreadableFile } from './input-stream.js';

const TOPIC_FIELDS = ['slug', 'name', 'query'] as const;

/**
 * Reads a topics file: JSON Lines of `{"slug", "name", "query"}`, or a CSV with those columns
 * (header names without case). Which one is told by the first character that is not blank:
 * `{` is JSON Lines. A line that cannot be read is reported and skipped.
 */
export async function openTopicsFile(
  file: string,
  onProblem: (problem: TopicProblem) => void,
): Promise<{ records: AsyncIterable<TopicRecord>; unknownColumns: string[] }> {
  // Standard input is read whole to tell the two apart: a file of topics is small.
  const text = file === '-' ? await readStdin() : undefined;
  const jsonLines = text === undefined ? await looksLikeJsonLines(file) : startsAnObject(text);
  if (jsonLines) {
    // The file is opened now and read when the records are; standard input is in hand. No
    // stream or line reader is made before the database is open: the lines it read meanwhile
    // (and its end) would be gone, and the import would wait for ever.
    const lines = text === undefined ? openInputLines(file).lines : linesOf(text);
    return { records: readJsonLines(lines, onProblem), unknownColumns: [] };
  }
  const csv = await openCsv(
    file,
    (p) => onProblem({ line: p.line, field: null, message: p.message }),
    text,
  );
  const names = csv.header.map((h) => h.trim().toLowerCase());
  const unknownColumns = csv.header.filter(
    (_, i) => !(TOPIC_FIELDS as readonly string[]).includes(names[i] ?? ''),
  );
  if (!names.includes('slug'))
    throw new InputError(
      `${file}: line 1: no "slug" column (a CSV needs slug, name, query; JSON Lines starts with {)`,
    );
  return {
    unknownColumns,
    records: (async function* () {
      for await (const { line, cells } of csv.records) {
        const record: TopicRecord = { line };
        names.forEach((name, i) => {
          const cell = cells[i];
          if (
            (TOPIC_FIELDS as readonly string[]).includes(name) &&
            cell !== undefined &&
            cell.trim() !== ''
          )
            record[name as (typeof TOPIC_FIELDS)[number]] = name === 'slug' ? cell.trim() : cell;
        });
        yield record;
      }
    })(),
  };
}

/** Lines as readline splits them: at CRLF, LF or CR. */
async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split(/\r\n|\r|\n/);
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

function startsAnObject(text: string): boolean {
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{');
}

async function looksLikeJsonLines(file: string): Promise<boolean> {
  if (/\.(jsonl|ndjson|json)$/i.test(file)) return true;
  if (/\.csv$/i.test(file)) return false;
  const handle = await fs.promises.open(file, 'r').catch((error) => {
    throw unreadableFile(file, error);
  });
  try {
    // A directory opens, and says EISDIR only when read.
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(512), 0, 512, 0).catch((error) => {
      throw unreadableFile(file, error);
    });
    return startsAnObject(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

async function* readJsonLines(
  lines: AsyncIterable<string>,
  onProblem: (problem: TopicProblem) => void,
): AsyncGenerator<TopicRecord> {
  let line = 0;
  for await (const text of lines) {
    line++;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (!trimmed) continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      onProblem({ line, field: null, message: `not JSON: ${(error as Error).message}` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      onProblem({ line, field: null, message: 'not a JSON object {"slug", "name", "query"}' });
      continue;
    }
    const object = value as Record<string, unknown>;
    const notText = TOPIC_FIELDS.find((f) => object[f] != null && typeof object[f] !== 'string');
    if (notText) {
      onProblem({ line, field: notText, message: `${notText} must be a string` });
      continue;
    }
    const record: TopicRecord = { line };
    for (const field of TOPIC_FIELDS)
      if (typeof object[field] === 'string') record[field] = object[field];
    yield record;
  }
}
