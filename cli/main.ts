#!/usr/bin/env node
// `lockstep`: the operator's command line. What each command is and takes is the table in
// cli/commands.ts; each group of commands runs from a file of its own.

import { COMMANDS, findCommand, usage, type Command } from './commands.ts';
import { UsageError } from './options.ts';
import { LockstepError } from '../domain/errors.ts';

async function main(argv: string[]): Promise<void> {
  if (!argv.length) throw new CommandError('no command given', COMMANDS);
  if (['--help', '-h', 'help'].includes(argv[0]!)) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((c: Command) => c.name.split(' ')[0] === argv[0]);
    throw new CommandError(`unknown command: lockstep ${argv.join(' ')}`, group.length ? group : COMMANDS);
  }
  const { commands } = await found.command.group();
  const run = commands[found.command.name];
  if (!run) throw new Error(`lockstep ${found.command.name} has no runner in its group's file`);
  try {
    await run(found.args);
  } catch (err) {
    if (err instanceof UsageError) throw new CommandError(err.message, [found.command]);
    throw err;
  }
}

/** A usage error with the usage of the commands it concerns. */
class CommandError extends LockstepError {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly commands: readonly Command[],
  ) {
    super(message);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const usageError = err instanceof CommandError;
  process.stderr.write(`${usageError ? `${err.message}\n${usage(err.commands)}` : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(usageError ? 2 : 1);
});
