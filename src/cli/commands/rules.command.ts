import type { Command } from 'commander';
import { InputError } from '../cli-error.js';
import { readInput } from '../parse.js';
import { type CommandOutput, checkRules, matchFiles } from '../rule-tools.js';

/** Writes a command's output; a non-zero status becomes the process exit status. */
function emit(output: CommandOutput): void {
  if (output.stdout) process.stdout.write(output.stdout);
  if (output.stderr) process.stderr.write(output.stderr);
  if (output.exitCode !== 0) process.exitCode = output.exitCode;
}

export function registerRuleCommands(program: Command): void {
  program
    .command('rules')
    .description('the rule language')
    .command('check [query]')
    .description('parse a rule and explain it, or show the error')
    .option('--file <rules.jsonl>', 'check every rule of a JSON Lines file ({"id","query"})')
    .option('--json', 'one JSON line per rule')
    .action((query: string | undefined, opts: { file?: string; json?: boolean }) => {
      if ((query === undefined) === (opts.file === undefined))
        throw new InputError('give a query Q or --file RULES.jsonl');
      const input =
        opts.file !== undefined ? { jsonl: readInput(opts.file) } : { query: query as string };
      emit(checkRules(input, Boolean(opts.json)));
    });

  program
    .command('match')
    .description('match stories against rules, without a database: one JSON line per story')
    .requiredOption('--rules <rules.jsonl>', 'JSON Lines {"id","query"}')
    .requiredOption('--stories <stories.jsonl>', 'stories in the story format')
    .option('--stats', 'throughput and index figures on stderr')
    .option(
      '--threads <n>',
      'threads to match on, each with a share of the rules (default: the cores)',
    )
    .action(async (opts: { rules: string; stories: string; stats?: boolean; threads?: string }) => {
      const threads = opts.threads === undefined ? undefined : Number(opts.threads);
      if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64))
        throw new InputError('--threads must be a whole number from 1 to 64');
      const rules = readInput(opts.rules);
      const stories = readInput(opts.stories);
      emit(await matchFiles(rules, stories, Boolean(opts.stats), threads));
    });
}
