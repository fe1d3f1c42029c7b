// Wires the subcommands. cli/commands.ts declares their flags and imports each implementation only when
// its command runs (a fast start); each implementation returns an exit code:
// 0 ok, 1 findings/failures, 2 usage error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CommandResult } from './command-result.js';
import {
  registerHealth,
  registerLint,
  registerRun,
  registerSandbox,
  registerStart,
  registerStatus,
} from './commands.js';
import { PROJECT_ROOT } from './project-root.js';

const HELP = `
Examples:
  $ verifier start                       the shipped docs against the built-in sandbox API
  $ verifier lint docs/                  static checks, no network
  $ verifier run --docs docs/ --base-url https://staging.example.com/apigw \\
      --fallback-url https://staging.example.com/api2 --tokens tokens.json
  $ verifier sandbox --tokens-out /tmp/tokens.json

Exit codes:
  0    nothing wrong
  1    findings, or a doc ended fail, error, blocked or invalid
  2    usage error: the message names the flag or the file
  130  interrupted (Ctrl-C or SIGTERM)

Colours follow NO_COLOR and FORCE_COLOR. How to write a doc: docs/format.md (in the project folder:
${join(PROJECT_ROOT, 'docs', 'format.md')}).`;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const result: CommandResult = { code: 0 };
  const program = new Command('verifier')
    .description('Runs API workflow docs against a live API and records pass/fail.')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .version(version(), '-V, --version', 'print the version')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText('after', HELP);
  registerLint(program, result);
  registerRun(program, result);
  registerSandbox(program, result);
  registerStart(program, result);
  registerStatus(program, result);
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
