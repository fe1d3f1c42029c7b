// Wires the subcommands. cli/commands.ts declares their flags and imports each implementation only when
// its command runs (a fast start); each implementation returns an exit code:
// 0 ok, 1 findings/failures, 2 usage error.
import { Command, CommanderError } from 'commander';
import { registerHealth, registerLint, registerRun, registerSandbox, registerStart } from './commands.js';

export type CommandResult = { code: number };

export async function main(argv: readonly string[]): Promise<number> {
  const result: CommandResult = { code: 0 };
  const program = new Command('verifier')
    .description('Runs API workflow docs against a live API and records pass/fail.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerLint(program, result);
  registerRun(program, result);
  registerSandbox(program, result);
  registerStart(program, result);
  registerHealth(program, result);
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other commander error is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  return result.code;
}
