import { afterAll, beforeAll, expect, it } from 'vitest';
import { saveReader } from '../../src/services/readers/readers.service.js';
import { recordTrialClick } from '../../src/services/readers/trials.service.js';
import { runCli } from '../support/run-cli.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('sqlite');
  // `trials start` names readers that exist, like every command (it refuses an unknown one).
  for (const email of ['wyn@corp.example', 'xan@corp.example'])
    await saveReader(t.app, {
      email,
      name: null,
      plan: 'free',
      trialEndsAt: null,
      tz: 'UTC',
      marketingConsent: false,
    });
});
afterAll(async () => t?.close());

it('credits the trial link a ref names with `trials start --ref`, and says when it cannot', async () => {
  const { ref } = await recordTrialClick(t.app, {
    email: 'wyn@corp.example',
    storyId: 's-1',
    source: { campaign: 5 },
  });
  const credited = await runCli(['trials', 'start', 'wyn@corp.example', '--ref', ref], t.env);
  expect(credited).toMatchObject({ code: 0 });
  expect(credited.stdout).toContain('ref: credited to the trial link it came from');
  const click = await t.app.db.selectFrom('trial_clicks').selectAll().executeTakeFirstOrThrow();
  expect(click.trial_started_at).not.toBeNull();

  const unknown = await runCli(['trials', 'start', 'xan@corp.example', '--ref', 'c9-nope'], t.env);
  expect(unknown).toMatchObject({ code: 0 });
  expect(unknown.stdout).toContain('xan@corp.example has a trial until');
  expect(unknown.stdout).toContain('the ref names no trial link of ours');
});
