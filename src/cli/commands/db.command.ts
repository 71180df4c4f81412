import type { Command } from 'commander';
import { migrateSchema } from '../../services/schema.service.js';
import { withApp } from '../cli-context.js';
import { printLine } from '../output.js';

/** The database. */
export function registerDbCommands(program: Command): void {
  program
    .command('db')
    .description('the database')
    .command('migrate')
    .description('bring the schema up to date')
    .action(async () => {
      await withApp({ migrate: false }, async (app) => {
        const applied = await migrateSchema(app);
        printLine(applied.length ? `applied ${applied.join(', ')}` : 'the schema is up to date');
      });
    });
}
