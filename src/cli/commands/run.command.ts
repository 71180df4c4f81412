import type { Command } from 'commander';
import { loadSettings } from '../../config/settings.js';
import type { ProcessParts } from '../../run-process.js';

const PARTS: Record<string, { description: string; parts: ProcessParts }> = {
  start: {
    description: 'workers, scheduler, web server and bounce listener in one process',
    parts: { workers: true, scheduler: true, web: true, bounceListener: true },
  },
  worker: {
    description: 'workers only (run as many as you need)',
    parts: { workers: true, scheduler: false, web: false },
  },
  scheduler: {
    description: 'the minute tick only',
    parts: { workers: false, scheduler: true, web: false },
  },
  serve: {
    description: 'the web server only',
    parts: { workers: false, scheduler: false, web: true },
  },
};

export function registerRunCommands(program: Command): void {
  for (const [name, { description, parts }] of Object.entries(PARTS)) {
    program
      .command(name)
      .description(description)
      .action(async () => {
        const [{ runProcess }, { openApp }] = await Promise.all([
          import('../../run-process.js'),
          import('../../app.js'),
        ]);
        const app = await openApp(loadSettings(), { migrate: true, redis: true, mail: true });
        try {
          process.exitCode = await runProcess(app, parts);
        } finally {
          await app.close();
        }
      });
  }
}
