import {
  parseStoriesDocument,
  parseStoryLine,
  type StoryParseOptions,
  type StoryRecord,
  startsDocument,
} from './story.js';

const BYTE_ORDER_MARK = '\ufeff';

/**
 * Reads stories from lines as they come (a file or standard input split into lines): JSON
 * Lines one line at a time, so input of any length is never held whole. A JSON array, or an
 * object spread over lines, is a document: it is gathered and read whole.
 *
 * The first lines tell which: `[` starts a document; so does a `{` line that is not JSON on
 * its own, unless the next line with content is (then it is JSON Lines whose first line is
 * broken, and the lines after it must not be lost in one error).
 */
export async function* readStoryRecords(
  lines: AsyncIterable<string>,
  options: StoryParseOptions = {},
): AsyncGenerator<StoryRecord> {
  let lineNumber = 0;
  let mode: 'deciding' | 'lines' | 'document' = 'deciding';
  /** Lines read while deciding, with their numbers. */
  const held: [number, string][] = [];
  for await (const raw of lines) {
    lineNumber++;
    const line = lineNumber === 1 && raw.startsWith(BYTE_ORDER_MARK) ? raw.slice(1) : raw;
    if (mode === 'deciding') {
      held.push([lineNumber, line]);
      mode = decide(held);
      if (mode === 'lines') yield* recordsOf(held, options);
      continue;
    }
    if (mode === 'document') {
      held.push([lineNumber, line]);
      continue;
    }
    const record = parseStoryLine(line, lineNumber, options);
    if (record) yield record;
  }
  if (mode === 'lines') return;
  // A document, or a single line that starts one: read whole. Blank input is no record.
  if (held.every(([, line]) => line.trim() === '')) return;
  yield* parseStoriesDocument(held.map(([, line]) => line).join('\n'), options);
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

function* recordsOf(
  held: readonly [number, string][],
  options: StoryParseOptions,
): Generator<StoryRecord> {
  for (const [number, line] of held) {
    const record = parseStoryLine(line, number, options);
    if (record) yield record;
  }
}

function isWholeJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
