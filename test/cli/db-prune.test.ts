import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addBounceRows,
  addMatchRow,
  addReaderRow,
  addSentDigest,
  addStoryRow,
  addTrialClickRow,
  countRows,
  daysBefore,
} from '../support/retention-rows.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { DIALECTS } from '../support/test-database.js';

/** `db prune` as an operator runs it, on the real clock. */
describe.each(DIALECTS)('bulletin db prune (%s)', { timeout: 120_000 }, (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const db = t.app.db;
    const now = new Date();
    const old = daysBefore(now, 500);
    const lately = daysBefore(now, 3);
    const ann = await addReaderRow(db, 'ann@example.com', old);
    const oldStory = await addStoryRow(db, 'old-story', old);
    const { deliveryId } = await addSentDigest(db, ann, [oldStory], old);
    await addBounceRows(db, deliveryId, daysBefore(now, 499), 'old-bounce');
    await addTrialClickRow(db, 'ann@example.com', daysBefore(now, 499));
    const youngStory = await addStoryRow(db, 'young-story', lately);
    await addSentDigest(db, ann, [youngStory], lately);
    await addMatchRow(db, ann, await addStoryRow(db, 'young-2', lately), lately);
  });
  afterAll(async () => t.close());

  it('--dry-run reports what would go and changes nothing', async () => {
    const before = await countRows(t.app.db);
    const text = await runCli(['db', 'prune', '--dry-run'], t.env);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^would delete what is older than \d{4}-\d\d-\d\dT/);
    expect(text.stdout).toMatch(/^ {2}matches +1$/m);
    expect(text.stdout).toMatch(/^ {2}story bodies \(cleared\) +1$/m);
    expect(text.stdout).toMatch(/nothing deleted: run without --dry-run/);
    const json = await runCli(['db', 'prune', '--dry-run', '--json'], t.env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: true,
      rows: {
        matches: 1,
        trial_clicks: 1,
        deliveries: 1,
        digests: 1,
        bounces: 1,
        inbound_messages: 1,
        story_bodies: 1,
      },
    });
    expect(await countRows(t.app.db)).toEqual(before);
  });

  it('refuses a bad --older or --batch with exit 2, deleting nothing', async () => {
    const before = await countRows(t.app.db);
    const typo = await runCli(['db', 'prune', '--older', '400m'], t.env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /--older: must be between 30d and 36500d, like 400d \(got "400m"\)/,
    );
    const word = await runCli(['db', 'prune', '--older', 'long'], t.env);
    expect(word.code).toBe(2);
    expect(word.stderr).toMatch(/--older: not a duration/);
    const batch = await runCli(['db', 'prune', '--batch', '0'], t.env);
    expect(batch.code).toBe(2);
    expect(batch.stderr).toMatch(/--batch: use a whole number from 1 to 100000/);
    const setting = await runCli(['db', 'prune'], { ...t.env, RETENTION: 'a year' });
    expect(setting.code).toBe(2);
    expect(setting.stderr).toMatch(/Bad setting RETENTION: not a duration/);
    expect(await countRows(t.app.db)).toEqual(before);
  });

  it('deletes what is older than RETENTION and says how much', async () => {
    const run = await runCli(['db', 'prune', '--json'], t.env);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.dryRun).toBe(false);
    expect(report.rows.matches).toBe(1);
    expect(report.rows.deliveries).toBe(1);
    expect(report.batches).toBeGreaterThanOrEqual(7);
    expect(await countRows(t.app.db)).toMatchObject({
      matches: 2,
      deliveries: 1,
      digests: 1,
      bounces: 0,
      trial_clicks: 0,
      stories: 3,
      story_bodies: 2,
    });
    const again = await runCli(['db', 'prune'], t.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^ {2}matches +0$/m);
  });
});

// The help is the same on both dialects: asked once, of a database that is never opened.
it('bulletin db prune --help has examples', async () => {
  const help = await runCli(['db', 'prune', '--help'], {
    DATABASE_URL: 'sqlite:/nonexistent/never-opened.db',
  });
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/--dry-run/);
  expect(help.stdout).toMatch(/Examples:\n {2}\$ bulletin db prune --dry-run/);
});
