import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readSpreadsheetSafeCell,
  spreadsheetSafeCell,
} from '../../src/domain/spreadsheet-safe-cell.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Cells a spreadsheet would run, as an attacker signs up or a careless editor names a topic. */
const FORMULAS = [
  '=HYPERLINK("http://evil.example","x")',
  "+cmd|'/C calc'!A0",
  '@SUM(1+1)*cmd|/C calc!A0',
  '-2+3',
  "'=already quoted",
];

describe('CSV exports open in a spreadsheet as text, never as formulas', {
  timeout: 120_000,
}, () => {
  let t: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    env = { ...t.env, LOG_LEVEL: 'warn' };
    for (const [i, name] of FORMULAS.entries()) {
      const reader = await runCli(['subscribers', 'add', `r${i}@example.com`, '--name', name], env);
      expect(reader.code, reader.stderr).toBe(0);
      const topic = await runCli(
        ['topics', 'add', `t${i}`, '--name', name, '--query', `word${i}`],
        env,
      );
      expect(topic.code, topic.stderr).toBe(0);
    }
  });
  afterAll(() => t.close());

  it('subscribers export --csv: each formula read back by csv-parse starts with a quote', async () => {
    const exported = await runCli(['subscribers', 'export', '--csv'], env);
    expect(exported.code, exported.stderr).toBe(0);
    const rows = parse(exported.stdout, { columns: true }) as { email: string; name: string }[];
    const names = rows.map((row) => row.name);
    expect(names).toEqual(FORMULAS.map((name) => `'${name}`));
  });

  it('topics export --csv: the same', async () => {
    const exported = await runCli(['topics', 'export', '--csv'], env);
    expect(exported.code, exported.stderr).toBe(0);
    const rows = parse(exported.stdout, { columns: true }) as { slug: string; name: string }[];
    expect(rows.map((row) => row.name)).toEqual(FORMULAS.map((name) => `'${name}`));
  });

  it('an export imported again gives the names as they were, quote and all', async () => {
    const other = await createTestApp('sqlite');
    try {
      const otherEnv = { ...other.env, LOG_LEVEL: 'warn' };
      const topics = await runCli(['topics', 'export', '--csv'], env);
      const topicFile = `${other.env.VAR_DIR}/topics.csv`;
      fs.writeFileSync(topicFile, topics.stdout);
      expect((await runCli(['topics', 'import', topicFile], otherEnv)).code).toBe(0);
      const readers = await runCli(['subscribers', 'export', '--csv'], env);
      const imported = await runCli(['subscribers', 'import', '-'], otherEnv, readers.stdout);
      expect(imported.code, imported.stderr).toBe(0);
      const listed = JSON.parse((await runCli(['subscribers', 'list', '--json'], otherEnv)).stdout);
      expect(listed.map((r: { name: string }) => r.name)).toEqual(FORMULAS);
      const topicList = JSON.parse((await runCli(['topics', 'list', '--json'], otherEnv)).stdout);
      expect(topicList.map((topic: { name: string }) => topic.name)).toEqual(FORMULAS);
    } finally {
      await other.close();
    }
  });
});

describe('spreadsheetSafeCell', () => {
  it('quotes what a spreadsheet runs, and nothing else', () => {
    expect(spreadsheetSafeCell('=1+1')).toBe("'=1+1");
    expect(spreadsheetSafeCell('\tx')).toBe("'\tx");
    expect(spreadsheetSafeCell('\r=x')).toBe("'\r=x");
    expect(spreadsheetSafeCell('Ann = 1')).toBe('Ann = 1');
    expect(spreadsheetSafeCell("'Tis")).toBe("'Tis");
    expect(spreadsheetSafeCell('')).toBe('');
  });

  it('is undone exactly by readSpreadsheetSafeCell', () => {
    for (const cell of ['=1', "'=1", "''@x", "'Tis", 'plain', '-', "'"])
      expect(readSpreadsheetSafeCell(spreadsheetSafeCell(cell))).toBe(cell);
  });
});
