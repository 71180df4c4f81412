import { Command, CommanderError } from 'commander';
import { readPackageInfo } from '../config/package-info.js';
import { SettingsError } from '../config/settings.js';
import { showControlCharacters } from '../domain/clean-text.js';
import { describeInputError, InputError } from './cli-error.js';
import { addMissingHelp } from './examples.js';

type Register = (program: Command) => void;

/**
 * Each top-level command and the module that defines it, in `--help` order. A command line
 * naming one loads only its module (and what that module needs), so `bulletin --version`
 * and `bulletin topics list` never load the queue, mail or web code.
 */
const COMMAND_MODULES: { names: string[]; load: () => Promise<Register> }[] = [
  {
    names: ['start', 'worker', 'scheduler', 'serve'],
    load: async () => (await import('./commands/run.command.js')).registerRunCommands,
  },
  {
    names: ['db'],
    load: async () => (await import('./commands/db.command.js')).registerDbCommands,
  },
  {
    names: ['stories'],
    load: async () => (await import('./commands/stories.command.js')).registerStoryCommands,
  },
  {
    names: ['feeds'],
    load: async () => (await import('./commands/feeds.command.js')).registerFeedCommands,
  },
  {
    names: ['topics'],
    load: async () => (await import('./commands/topics.command.js')).registerTopicCommands,
  },
  {
    names: ['subscribers'],
    load: async () =>
      (await import('./commands/subscribers.command.js')).registerSubscriberCommands,
  },
  {
    names: ['subscriptions'],
    load: async () =>
      (await import('./commands/subscriptions.command.js')).registerSubscriptionCommands,
  },
  {
    names: ['rules', 'match'],
    load: async () => (await import('./commands/rules.command.js')).registerRuleCommands,
  },
  {
    names: ['digests'],
    load: async () => (await import('./commands/digests.command.js')).registerDigestCommands,
  },
  {
    names: ['deliveries'],
    load: async () => (await import('./commands/deliveries.command.js')).registerDeliveryCommands,
  },
  {
    names: ['orgs'],
    load: async () => (await import('./commands/orgs.command.js')).registerOrgCommands,
  },
  {
    names: ['trials'],
    load: async () => (await import('./commands/trials.command.js')).registerTrialCommands,
  },
  {
    names: ['suppressions'],
    load: async () =>
      (await import('./commands/suppressions.command.js')).registerSuppressionCommands,
  },
  {
    names: ['campaigns'],
    load: async () => (await import('./commands/campaigns.command.js')).registerCampaignCommands,
  },
  {
    names: ['queues'],
    load: async () => (await import('./commands/queues.command.js')).registerQueueCommands,
  },
];

/** The first word that is not an option: the top-level command a command line names. */
function commandNamed(argv: string[]): string | undefined {
  return argv.slice(2).find((word) => !word.startsWith('-'));
}

/**
 * The program with the commands a command line needs: the one it names, or every command
 * (for `--help`, no command at all, or a name to suggest a correction for). `--version`
 * alone needs none.
 */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('bulletin')
    .description('Bulletin: email alerts and digests for a news publisher')
    .version(readPackageInfo().version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show what a command does, its options and an example')
    .exitOverride()
    .showHelpAfterError();
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return program;
  const named = commandNamed(argv);
  const wanted = COMMAND_MODULES.filter(({ names }) => named && names.includes(named));
  const modules = wanted.length > 0 ? wanted : COMMAND_MODULES;
  const registers = await Promise.all(modules.map(({ load }) => load()));
  for (const register of registers) register(program);
  addMissingHelp(program);
  return program;
}

/**
 * Runs the CLI and returns the exit status: 0 on success, 2 for bad input (usage, options,
 * settings, invalid queries, bad records), 1 otherwise. The one place errors become statuses.
 */
export async function runCli(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  const program = await buildProgram(argv);
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
