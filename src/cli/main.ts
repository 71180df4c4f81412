import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { SettingsError } from '../config/settings.js';
import { showControlCharacters } from '../domain/clean-text.js';
import { describeInputError, InputError } from './cli-error.js';
import { registerCampaignCommands } from './commands/campaigns.command.js';
import { registerDbCommands } from './commands/db.command.js';
import { registerDeliveryCommands } from './commands/deliveries.command.js';
import { registerDigestCommands } from './commands/digests.command.js';
import { registerFeedCommands } from './commands/feeds.command.js';
import { registerOrgCommands } from './commands/orgs.command.js';
import { registerQueueCommands } from './commands/queues.command.js';
import { registerRuleCommands } from './commands/rules.command.js';
import { registerRunCommands } from './commands/run.command.js';
import { registerStoryCommands } from './commands/stories.command.js';
import { registerSubscriberCommands } from './commands/subscribers.command.js';
import { registerSubscriptionCommands } from './commands/subscriptions.command.js';
import { registerSuppressionCommands } from './commands/suppressions.command.js';
import { registerTopicCommands } from './commands/topics.command.js';
import { registerTrialCommands } from './commands/trials.command.js';
import { addMissingHelp } from './examples.js';

/** The version in package.json, read once. */
function packageVersion(): string {
  const file = path.join(import.meta.dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('bulletin')
    .description('Bulletin: email alerts and digests for a news publisher')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show what a command does, its options and an example')
    .exitOverride()
    .showHelpAfterError();
  registerRunCommands(program);
  registerDbCommands(program);
  registerStoryCommands(program);
  registerFeedCommands(program);
  registerTopicCommands(program);
  registerSubscriberCommands(program);
  registerSubscriptionCommands(program);
  registerRuleCommands(program);
  registerDigestCommands(program);
  registerDeliveryCommands(program);
  registerOrgCommands(program);
  registerTrialCommands(program);
  registerSuppressionCommands(program);
  registerCampaignCommands(program);
  registerQueueCommands(program);
  addMissingHelp(program);
  return program;
}

/**
 * Runs the CLI and returns the exit status: 0 on success, 2 for bad input (usage, options,
 * settings, invalid queries, bad records), 1 otherwise. The one place errors become statuses.
 */
export async function runCli(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  const program = buildProgram();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and exit 0; anything else is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof InputError) {
      writeError(describeInputError(error));
      return 2;
    }
    if (error instanceof SettingsError) {
      writeError(error.message);
      return 2;
    }
    writeError(error instanceof Error ? error.message : String(error));
    if (process.env.DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
    return 1;
  }
}

/**
 * Output to a pipe that closed early (`bulletin stories list | head -1`): the reader has what
 * it wanted. Ends the process quietly with status 0, as `ls | head -1` does, instead of a
 * stack trace; nothing half-done is left, a listing only reads.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}

/** One error, safe for a terminal: what was typed may hold escape sequences. */
function writeError(message: string): void {
  process.stderr.write(`bulletin: ${showControlCharacters(message, { allowNewlines: true })}\n`);
}
