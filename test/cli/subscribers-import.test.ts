import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/bulletin.js');

/** The admin's CLI run as a user would: files with every CSV oddity, exit statuses, pipes. */
describe.each(DIALECTS)(
  'subscribers import and export from the command line (%s)',
  { timeout: 180_000 },
  (dialect) => {
    let t: TestApp;
    let env: Record<string, string>;
    let dir: string;
    const file = (name: string, text: string) => {
      const where = path.join(dir, name);
      fs.writeFileSync(where, text);
      return where;
    };

    beforeAll(async () => {
      t = await createTestApp(dialect);
      env = { ...t.env, LOG_LEVEL: 'warn' };
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bulletin-import-'));
      const topics = file(
        'topics.jsonl',
        '{"slug":"customs","name":"Customs","query":"customs"}\n{"slug":"sanctions","name":"Sanctions","query":"sanction*"}\n',
      );
      expect((await runCli(['topics', 'import', topics], env)).code).toBe(0);
    });
    afterAll(async () => {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('reads a BOM, CRLF lines, quoted commas and line breaks; reports bad rows by line and exits 2', async () => {
      const csv = file(
        'readers.csv',
        '\uFEFFEmail,NAME,Plan,tz,topics,cadence,at,day,marketing_consent,shoe_size\r\n' +
          'ann@corp.example,"Smith, Ann",subscriber,Europe/Berlin,customs;sanctions,weekly,08:00,fri,yes,42\r\n' +
          'bo@corp.example,"Bo\r\nsecond line",free,,customs,,,,no,\r\n' +
          'not-an-address,,,,,,,,,\r\n' +
          'cy@corp.example,,gold,,,,,,,\r\n' +
          'di@corp.example,"He said ""hi""",,,,,,,,\r\n',
      );
      const result = await runCli(['subscribers', 'import', csv], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('line 1: a column not read, ignored: shoe_size');
      expect(result.stderr).toContain('line 5: email: not an email address (got "not-an-address")');
      expect(result.stderr).toContain('line 6: plan: not a plan');
      expect(result.stdout).toMatch(/5 rows: 3 added, 0 updated, 0 unchanged, 2 rejected/);
      const list = JSON.parse((await runCli(['subscribers', 'list', '--json'], env)).stdout);
      expect(list.map((r: { email: string; name: string }) => [r.email, r.name])).toEqual([
        ['ann@corp.example', 'Smith, Ann'],
        ['bo@corp.example', 'Bo second line'],
        ['di@corp.example', 'He said "hi"'],
      ]);
      const subs = JSON.parse(
        (await runCli(['subscriptions', 'list', 'ann@corp.example', '--json'], env)).stdout,
      );
      expect(subs.map((s: { topic: string; day: string }) => [s.topic, s.day])).toEqual([
        ['customs', 'fri'],
        ['sanctions', 'fri'],
      ]);
    });

    it('gives the report as JSON, writes nothing on a dry run, and leaves existing readers as they are', async () => {
      const csv = file(
        'more.csv',
        'email,name\nann@corp.example,Annie\nnew@corp.example,New\nbad,\n',
      );
      const dry = await runCli(['subscribers', 'import', csv, '--dry-run', '--json'], env);
      expect(dry.code).toBe(2);
      const report = JSON.parse(dry.stdout);
      expect(report).toMatchObject({ dryRun: true, rows: 3, added: 1, skipped: 1, rejected: 1 });
      expect(report.problems).toEqual([
        { line: 4, column: 'email', message: 'not an email address (got "bad")' },
      ]);
      const list = JSON.parse((await runCli(['subscribers', 'list', '--json'], env)).stdout);
      expect(list.map((r: { email: string }) => r.email)).not.toContain('new@corp.example');

      const update = await runCli(['subscribers', 'import', csv, '--update', '--json'], env);
      expect(JSON.parse(update.stdout)).toMatchObject({ added: 1, updated: 1, rejected: 1 });
      const ann = JSON.parse(
        (await runCli(['subscribers', 'show', 'ann@corp.example', '--json'], env)).stdout,
      );
      // Only the name was in the file: plan, zone and consent stay.
      expect(ann.reader).toMatchObject({
        name: 'Annie',
        plan: 'subscriber',
        tz: 'Europe/Berlin',
        marketingConsent: true,
        consentSource: 'import:readers.csv',
      });
      expect(ann.access).toMatchObject({ full: true, reason: 'subscriber' });
      expect(ann.subscriptions).toHaveLength(2);
    });

    it('exports a CSV that imports into a fresh database as the same readers', async () => {
      const exported = await runCli(['subscribers', 'export', '--csv'], env);
      expect(exported.code).toBe(0);
      expect(exported.stdout.split('\n')[0]).toBe(
        'email,name,plan,trial_ends,tz,topics,cadence,at,day,marketing_consent,consent_source,consent_at',
      );
      const other = await createTestApp(dialect);
      try {
        const otherEnv = { ...other.env, LOG_LEVEL: 'warn' };
        const topics = await runCli(['topics', 'export'], env);
        expect((await runCli(['topics', 'import', '-'], otherEnv, topics.stdout)).code).toBe(0);
        const imported = await runCli(['subscribers', 'import', '-'], otherEnv, exported.stdout);
        expect(imported.code).toBe(0);
        const again = await runCli(['subscribers', 'export', '--csv'], otherEnv);
        expect(again.stdout).toBe(exported.stdout);
        // The same file again changes nothing.
        const twice = await runCli(
          ['subscribers', 'import', '-', '--update'],
          otherEnv,
          exported.stdout,
        );
        expect(twice.stdout).toMatch(/0 added, 0 updated, \d+ unchanged, 0 rejected/);
        expect((await runCli(['subscribers', 'export', '--csv'], otherEnv)).stdout).toBe(
          exported.stdout,
        );
      } finally {
        await other.close();
      }
    });

    it('writes every reader with every subscription as one JSON array', async () => {
      const exported = await runCli(['subscribers', 'export', '--json'], env);
      expect(exported.code, exported.stderr).toBe(0);
      const readers = JSON.parse(exported.stdout);
      expect(readers.map((r: { email: string }) => r.email)).toEqual([
        'ann@corp.example',
        'bo@corp.example',
        'di@corp.example',
        'new@corp.example',
      ]);
      expect(readers[0]).toMatchObject({
        email: 'ann@corp.example',
        name: 'Annie',
        plan: 'subscriber',
        tz: 'Europe/Berlin',
        marketingConsent: true,
        consentSource: 'import:readers.csv',
        subscriptions: [
          {
            topic: 'customs',
            query: null,
            cadence: 'weekly',
            at: '08:00',
            day: 'fri',
            paused: false,
          },
          {
            topic: 'sanctions',
            query: null,
            cadence: 'weekly',
            at: '08:00',
            day: 'fri',
            paused: false,
          },
        ],
      });
      expect(readers[3]).toMatchObject({ email: 'new@corp.example', subscriptions: [] });
      const both = await runCli(['subscribers', 'export', '--csv', '--json'], env);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('give --csv or --json, not both');
    });

    it('rejects a further row of a new reader that disagrees with its first, and counts readers truly', async () => {
      const csv = file(
        'dup.csv',
        'email,name,plan,tz,topics,cadence\n' +
          'dup@example.com,Dee,subscriber,Europe/Berlin,customs,daily\n' +
          'solo@example.com,,,,,\n' +
          'dup@example.com,Dee,free,Asia/Tokyo,sanctions,daily\n' +
          // The same reader on another schedule, reader fields blank: the export's form.
          'dup@example.com,,,,sanctions,instant\n',
      );
      const dry = await runCli(['subscribers', 'import', csv, '--dry-run'], env);
      expect(dry.code).toBe(2);
      expect(dry.stdout).toMatch(
        /^dry run, nothing written: .*dup\.csv: 4 rows: 3 added, 0 updated, 0 unchanged, 1 rejected; 2 new readers, 2 subscriptions added/,
      );
      const result = await runCli(['subscribers', 'import', csv], env);
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `${csv}: line 4: email: dup@example.com is already on line 2 with a different plan and tz (a reader's fields come from their first row: leave them blank on the others, or the same)`,
      );
      expect(result.stdout).toMatch(
        /4 rows: 3 added, 0 updated, 0 unchanged, 1 rejected; 2 new readers, 2 subscriptions added, 0 changed$/m,
      );
      const dee = JSON.parse(
        (await runCli(['subscribers', 'show', 'dup@example.com', '--json'], env)).stdout,
      );
      expect(dee.reader).toMatchObject({ name: 'Dee', plan: 'subscriber', tz: 'Europe/Berlin' });
      expect(
        dee.subscriptions.map((s: { topicSlug: string; cadence: string }) => [
          s.topicSlug,
          s.cadence,
        ]),
      ).toEqual([
        ['customs', 'daily'],
        ['sanctions', 'instant'],
      ]);
      for (const email of ['dup@example.com', 'solo@example.com'])
        expect((await runCli(['subscribers', 'remove', email], env)).code).toBe(0);
    });

    it('refuses to add a known address and updates only the fields given', async () => {
      const add = await runCli(['subscribers', 'add', 'ann@corp.example', '--name', 'Ann'], env);
      expect(add.code).toBe(2);
      expect(add.stderr).toMatch(/ann@corp.example is already a reader \(use subscribers update/);
      const update = await runCli(
        ['subscribers', 'update', 'ann@corp.example', '--name', 'Ann B'],
        env,
      );
      expect(update.code).toBe(0);
      expect(update.stdout).toMatch(/updated ann@corp.example: name/);
      const list = JSON.parse((await runCli(['subscribers', 'list', '--json'], env)).stdout);
      expect(list.find((r: { email: string }) => r.email === 'ann@corp.example')).toMatchObject({
        name: 'Ann B',
        plan: 'subscriber',
        tz: 'Europe/Berlin',
        marketingConsent: true,
      });
    });

    it('changes a subscription in place and refuses what makes no sense', async () => {
      const monkey = await runCli(
        ['subscriptions', 'update', 'ann@corp.example', '--topic', 'customs', '--day', 'monkey'],
        env,
      );
      expect(monkey.code).toBe(2);
      expect(monkey.stderr).toContain(
        '--day: use mon..sun or a full day name like monday (got "monkey")',
      );
      const instantAt = await runCli(
        [
          'subscriptions',
          'update',
          'ann@corp.example',
          '--topic',
          'customs',
          '--cadence',
          'instant',
          '--at',
          '07:00',
        ],
        env,
      );
      expect(instantAt.code).toBe(2);
      expect(instantAt.stderr).toContain('--at: an instant alert goes at once');
      const ok = await runCli(
        ['subscriptions', 'update', 'ann@corp.example', '--topic', 'customs', '--day', 'Tuesday'],
        env,
      );
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/follows customs weekly tue 08:00; next send 20\d\d-/);
    });

    it('ends quietly with status 0 when the reader of a pipe goes away', async () => {
      const rows = Array.from({ length: 3000 }, (_, i) => `r${i}@bulk.example,Reader number ${i}`);
      const bulk = file('bulk.csv', `email,name\n${rows.join('\n')}\n`);
      expect((await runCli(['subscribers', 'import', bulk], env)).code).toBe(0);
      const { code, stderr, firstChunk } = await new Promise<{
        code: number | null;
        stderr: string;
        firstChunk: string;
      }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'subscribers', 'export', '--csv'], {
          env: { ...process.env, ...env },
        });
        let err = '';
        let first = '';
        child.stderr.on('data', (d) => (err += d));
        // Like `| head -1`: read one chunk, then close the pipe.
        child.stdout.once('data', (d) => {
          first = String(d);
          child.stdout.destroy();
        });
        child.on('close', (exitCode) =>
          resolve({ code: exitCode, stderr: err, firstChunk: first }),
        );
      });
      expect(firstChunk).toMatch(/^email,name/);
      expect(stderr).toBe('');
      expect(code).toBe(0);
    });

    it('prints its version', async () => {
      const version = await runCli(['--version'], env);
      const pkg = JSON.parse(
        fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
      );
      expect(version.stdout.trim()).toBe(pkg.version);
    });
  },
);
