import {
  parseStoriesDocument,
  parseStoryLine,
  type StoryParseOptions,
  type StoryRecord,
  startsDocument,
} from './story.js';

const BYTE_ORDER_MARK = '\ufeff';

/**
 * Parses numbered lines somewhere else (worker threads), each to what `parseStoryLine` gives,
 * in the same order.
 */
export type LineBatchParser = (
  lines: readonly (readonly [number, string])[],
) => Promise<(StoryRecord | null)[]>;

/** JSON Lines handed to a {@link LineBatchParser} at a time, and batches out at once. */
const PARSER_BATCH_LINES = 256;
const PARSER_BATCHES_IN_FLIGHT = 4;

/**
 * Reads stories from lines as they come (a file or standard input split into lines): JSON
 * Lines one line at a time, so input of any length is never held whole. A JSON array, or an
 * object spread over lines, is a document: it is gathered and read whole.
 *
 * The first lines tell which: `[` starts a document; so does a `{` line that is not JSON on
 * its own, unless the next line with content is (then it is JSON Lines whose first line is
 * broken, and the lines after it must not be lost in one error).
 *
 * With `parseLines`, JSON Lines are parsed there (worker threads) a batch at a time, several
 * batches at once, while the caller stores the records before them; without it, here, each
 * line as it comes.
 */
export async function* readStoryRecords(
  lines: AsyncIterable<string>,
  options: StoryParseOptions = {},
  parseLines?: LineBatchParser,
): AsyncGenerator<StoryRecord> {
  const parse: LineBatchParser =
    parseLines ?? (async (batch) => batch.map(([n, line]) => parseStoryLine(line, n, options)));
  const batchLines = parseLines ? PARSER_BATCH_LINES : 1;
  const batchesInFlight = parseLines ? PARSER_BATCHES_IN_FLIGHT : 1;
  let lineNumber = 0;
  let mode: 'deciding' | 'lines' | 'document' = 'deciding';
  /** Lines read while deciding, with their numbers. */
  const held: [number, string][] = [];
  let batch: [number, string][] = [];
  const inFlight: Promise<(StoryRecord | null)[]>[] = [];
  const handOn = () => {
    const parsed = parse(batch);
    // Awaited in order below; a consumer that stops early must not leave it unheard.
    parsed.catch(() => {});
    inFlight.push(parsed);
    batch = [];
  };
  for await (const raw of lines) {
    lineNumber++;
    const line = lineNumber === 1 && raw.startsWith(BYTE_ORDER_MARK) ? raw.slice(1) : raw;
    if (mode === 'deciding') {
      held.push([lineNumber, line]);
      mode = decide(held);
      if (mode === 'lines') batch.push(...held);
    } else if (mode === 'document') {
      held.push([lineNumber, line]);
      continue;
    } else {
      batch.push([lineNumber, line]);
    }
    if (batch.length >= batchLines) handOn();
    while (inFlight.length >= batchesInFlight) yield* present(await inFlight.shift());
  }
  if (mode === 'lines') {
    if (batch.length > 0) handOn();
    for (const parsed of inFlight) yield* present(await parsed);
    return;
  }
  // A document, or a single line that starts one: read whole. Blank input is no record.
  if (held.every(([, line]) => line.trim() === '')) return;
  yield* parseStoriesDocument(held.map(([, line]) => line).join('\n'), options);
}

/** The records of a parsed batch; blank lines gave none. */
function* present(records: (StoryRecord | null)[] | undefined): Generator<StoryRecord> {
  for (const record of records ?? []) if (record) yield record;
}

/** What the lines held so far say the input is. */
function decide(held: readonly [number, string][]): 'deciding' | 'lines' | 'document' {
  const content = held.filter(([, line]) => line.trim() !== '').map(([, line]) => line);
  const [first, second] = content;
  if (first === undefined) return 'deciding';
  if (!startsDocument(first)) return 'lines';
  if (first.trim().startsWith('[')) return 'document';
  if (second === undefined) return 'deciding';
  return isWholeJson(second) ? 'lines' : 'document';
}

function isWholeJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
