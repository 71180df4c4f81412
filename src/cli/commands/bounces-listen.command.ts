import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';

/**
 * `bulletin bounces listen`: the receiving SMTP server for the bounce domain alone
 * (BOUNCE_SMTP_PORT, BOUNCE_ADDRESS), for a machine that takes the bounce domain's mail
 * while others run the rest. `start` runs the same listener beside its other parts. Registered
 * on the `bounces` command group (bounces.command.ts).
 */
export function registerBouncesListenCommand(bounces: Command): void {
  bounces
    .command('listen')
    .description(
      'the receiving SMTP server for the bounce domain alone (BOUNCE_SMTP_PORT), until stopped',
    )
    .action(async () => {
      const [{ runBounceListener }, { openApp }] = await Promise.all([
        import('../../run-process.js'),
        import('../../app.js'),
      ]);
      // The database alone: no queues, no mail transport.
      const app = await openApp(loadSettings(), { migrate: true });
      try {
        process.exitCode = await runBounceListener(app);
      } finally {
        await app.close();
      }
    });
}
