import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProspect } from '../support/campaign-runner.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('bulletin campaigns', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    await addProspect(t.app, 'pat@alpha.example', { name: 'Pat' });
    const story = {
      id: 'cli-story',
      url: 'https://brief.example/stories/cli-story',
      headline: 'Commerce adds entities to the Entity List',
      summary: 'A summary.',
      publishedAt: '2026-11-29T09:00:00Z',
    };
    expect((await runCli(['stories', 'publish', '-'], t.env, JSON.stringify(story))).code).toBe(0);
  });
  afterAll(async () => t.close());

  it('creates (the id last), previews, lists and reports a campaign', async () => {
    const created = await runCli(
      [
        'campaigns',
        'create',
        '--name',
        'Winter',
        '--subject',
        'Read every story',
        '--rate',
        '20',
        '--one-per-domain',
      ],
      t.env,
    );
    expect(created.code).toBe(0);
    const id = created.stdout.trim().split(/\s+/).at(-1);
    expect(id).toMatch(/^\d+$/);

    const preview = await runCli(['campaigns', 'preview', id!], t.env);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('To: pat@alpha.example');
    expect(preview.stdout).toContain('Commerce adds entities to the Entity List');
    expect(preview.stdout).toMatch(/promotional/);

    const list = await runCli(['campaigns', 'list', '--json'], t.env);
    expect(JSON.parse(list.stdout)).toMatchObject([
      { id: Number(id), name: 'Winter', status: 'draft', rate: 20, onePerDomain: true },
    ]);

    const status = await runCli(['campaigns', 'status', id!, '--json'], t.env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      id: Number(id),
      name: 'Winter',
      status: 'draft',
      total: 0,
      sent: 0,
      failed: 0,
      suppressed: 0,
      skipped: 0,
      clicks: 0,
      trials: 0,
      conversion: 0,
    });
  });

  it('refuses bad input with exit status 2, naming the option', async () => {
    const plan = await runCli(
      ['campaigns', 'create', '--name', 'x', '--subject', 'y', '--audience', 'plan=subscriber'],
      t.env,
    );
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('--audience: plan "subscriber" is never invited');
    const rate = await runCli(
      ['campaigns', 'create', '--name', 'x', '--subject', 'y', '--rate', 'fast'],
      t.env,
    );
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('--rate');
    const missing = await runCli(['campaigns', 'status', '999'], t.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no campaign 999');
  });
});
