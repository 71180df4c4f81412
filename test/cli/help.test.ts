import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

/** Every command a user can run: the leaves of the command tree. */
function leafCommands(command: Command, path: string[] = []): [string, Command][] {
  const here = [...path, command.name()];
  if (command.commands.length === 0) return [[here.slice(1).join(' '), command]];
  return command.commands.flatMap((c) => leafCommands(c, here));
}

/** `--help` as the user sees it, the examples after the options included. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

const commands = leafCommands(await buildProgram());

describe('the CLI help', () => {
  it('describes every command and every option, and shows an example of each command', () => {
    const missing: string[] = [];
    for (const [name, command] of commands) {
      if (!command.description()) missing.push(`${name}: no description`);
      for (const option of command.options)
        if (!option.description) missing.push(`${name} ${option.flags}: no description`);
      if (!/Examples:\n\s+\$ bulletin /.test(helpOf(command))) missing.push(`${name}: no example`);
    }
    expect(missing).toEqual([]);
  });

  it('has a command for each part of the admin contract', () => {
    const names = commands.map(([name]) => name);
    for (const wanted of [
      'subscribers import',
      'subscribers export',
      'subscribers update',
      'subscribers show',
      'subscriptions update',
      'topics import',
      'topics export',
      'queues status',
      'queues retry',
      'queues clean',
      'db reset',
    ])
      expect(names).toContain(wanted);
  });
});
