import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { readPackageInfo } from '../config/package-info.js';
import { SettingsError } from '../config/settings-error.js';
import { showControlCharacters } from '../domain/clean-text.js';
import { describeFileProblem, describeInputError, InputError, isFileError } from './cli-error.js';
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
  {
    names: ['bounces'],
    load: async () => (await import('./commands/bounces.command.js')).registerBounceCommands,
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
    // Set before the commands are added: each copies its parent's output settings.
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`bulletin: ${rewordCommanderError(text)}\n`),
    });
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return program;
  const named = commandNamed(argv);
  const wanted = COMMAND_MODULES.filter(({ names }) => named && names.includes(named));
  const modules = wanted.length > 0 ? wanted : COMMAND_MODULES;
  const registers = await Promise.all(modules.map(({ load }) => load()));
  for (const register of registers) register(program);
  addMissingHelp(program);
  prepareForErrors(program);
  return program;
}

/**
 * Every command ends with a usage error instead of exiting, points at its own `--help` after
 * one (a line, not the whole help), and checks its required options last. Commander checks
 * them first, so `topics add x --name X --querry q` said "--query not specified" instead of
 * naming the mistyped option: here an unknown option is reported first, with a suggestion.
 */
function prepareForErrors(command: Command, path: string[] = []): void {
  command.exitOverride();
  command.showHelpAfterError(
    path.length === 0
      ? '(bulletin --help lists the commands)'
      : `(bulletin ${path.join(' ')} --help shows its options and an example)`,
  );
  const required = command.options.filter((option) => option.mandatory);
  if (required.length > 0) {
    for (const option of required) option.makeOptionMandatory(false);
    command.hook('preAction', (_hooked, action) => {
      for (const option of required)
        if (action.getOptionValue(option.attributeName()) === undefined)
          action.error(`error: required option '${option.flags}' not specified`, {
            code: 'commander.missingMandatoryOptionValue',
          });
    });
  }
  for (const sub of command.commands) prepareForErrors(sub, [...path, sub.name()]);
}

/**
 * Commander's message in the words of Bulletin's others, on one line: `unknown option
 * --querry (did you mean --query?)`, `--query <q> is required`.
 */
export function rewordCommanderError(text: string): string {
  return text
    .trim()
    .replace(/^error: /, '')
    .replace(/^required option '([^']+)' not specified$/, '$1 is required')
    .replace(/^unknown command '([^']*)'/, 'unknown command $1')
    .replace(/'(-[^']*)'/g, '$1')
    .replace(/\s*\(Did you mean ([^)]+)\?\)/, ' (did you mean $1?)')
    .replace(/\s*\n\s*/g, ' ');
}

/**
 * Runs the CLI and returns the exit status: 0 on success, 2 for bad input (usage, options,
 * settings, invalid queries, bad records), 1 otherwise. The one place errors become statuses.
 */
export async function runCli(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  const program = await buildProgram(argv);
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
    if (isFileError(error)) {
      // Node's own "ENOENT: no such file or directory, open '…'" in words, on one line. A
      // file the command line named is bad input; one of Bulletin's own (the outbox, the
      // key file under VAR_DIR) is a failure.
      writeError(`${error.path}: ${describeFileProblem(error.path, error)}`);
      if (process.env.DEBUG) process.stderr.write(`${error.stack ?? ''}\n`);
      return namedOnCommandLine(argv, error.path) ? 2 : 1;
    }
    writeError(error instanceof Error ? error.message : String(error));
    if (process.env.DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
    return 1;
  }
}

/** Whether a path is one the command line gave, as typed or resolved. */
function namedOnCommandLine(argv: string[], file: string): boolean {
  const resolved = path.resolve(file);
  return argv.slice(2).some((word) => word === file || path.resolve(word) === resolved);
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
