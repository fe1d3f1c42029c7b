// The subcommands' flags, registered with commander without loading their implementations: each action
// imports its module when it runs, so `verifier --help` and every command start with only commander
// loaded (the engine, undici, yaml and the sandbox load only for the command that needs them).
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { LintCommandOptions } from './lint.js';
import type { CommandResult } from './main.js';
import type { RunCliOptions } from './run-config.js';
import type { SandboxCommandOptions } from './sandbox.js';
import type { StartOptions } from './start.js';

export const SCENARIOS = ['healthy', 'spam-flagged'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const parseInteger =
  (name: string, min: number, max: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got "${v}"`);
    }
    return n;
  };

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const consoleIo = () => ({
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stdout.isTTY),
});

export function registerLint(program: Command, result: CommandResult): void {
  program
    .command('lint')
    .description('Check workflow docs without sending a request (files or folders; default seeds/).')
    .argument('[paths...]', 'doc files or folders (folders are searched for *.md)')
    .option('--tokens <file>', 'tokens file whose params names count as defined variables')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (paths: string[], opts: LintCommandOptions) => {
      const { lintCommand } = await import('./lint.js');
      result.code = await lintCommand(paths, opts, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    });
}

export function registerRun(program: Command, result: CommandResult): void {
  program
    .command('run')
    .description('Run workflow docs against a target API and record pass/fail.')
    .option('--docs <dir>', 'docs root; doc ids are paths relative to it (default: seeds/)')
    .option('--base-url <url>', 'primary base URL, e.g. https://host/apigw')
    .option('--fallback-url <url>', 'fallback base URL, e.g. https://host/api2')
    .option('--partners-url <url>', 'partners base URL, for paths containing /partners/')
    .option('--tokens <file>', 'JSON {"tokens": {...}, "params": {...}}')
    .option('--include <statuses>', 'also run these statuses: pending,failed (repeatable)', collect)
    .option('--domain <domain>', 'only docs of this domain (repeatable)', collect)
    .option('--tag <tag>', 'only docs with this tag (repeatable)', collect)
    .option('--doc <glob>', 'only docs whose id matches this glob (repeatable)', collect)
    .option('--allow-delete', 'run DELETE steps (off by default)')
    .option('--concurrency <n>', 'docs in flight at once (default: 4)')
    .option('--rps <n>', 'requests per second across the run; 0 = no cap (default: 5)')
    .option('--timeout-ms <n>', 'per request (default: 30000)')
    .option('--deadline-ms <n>', 'for the whole run; docs not started in time are skip "deadline"')
    .option('--state <dir>', 'local state folder (default: .verifier/)')
    .option('--report <kind=file>', 'json=FILE or junit=FILE (repeatable)', collect)
    .option('--alert-webhook <url>', 'POST alerts as JSON to this URL')
    .option('--test-files <dir>', 'folder for file_fields (default: <docs>/../test-files when present)')
    .option('--config <file>', 'JSON file with any of these options; flags win')
    .action(async (opts: RunCliOptions) => {
      const { executeRun } = await import('./run.js');
      result.code = await executeRun(opts, consoleIo());
    });
}

export function registerSandbox(program: Command, result: CommandResult): void {
  program
    .command('sandbox')
    .description(
      'Serve the sandbox API (a local emulator of the platform) and write a tokens file for `verifier run`.',
    )
    .option('--port <n>', 'port on 127.0.0.1 (default: a free port)', parseInteger('--port', 0, 65535))
    .option('--seed <n>', 'seed for deterministic ids (default 1)', parseInteger('--seed', 0, 2 ** 31))
    .option('--tokens-out <file>', 'where to write the tokens file (default: a new temp file)')
    .option(
      '--spam-threshold <n>',
      'messages per window before an unverified business is flagged (default 500)',
      parseInteger('--spam-threshold', 0, 1e9),
    )
    .option(
      '--spam-window-ms <n>',
      'spam window in ms (default 60000)',
      parseInteger('--spam-window-ms', 1, 1e9),
    )
    .action(async (opts: SandboxCommandOptions) => {
      const { serveSandbox, untilSignal } = await import('./sandbox.js');
      result.code = await serveSandbox(opts, {
        stdout: (s) => process.stdout.write(s),
        stopped: untilSignal(),
      });
    });
}

export function registerStart(program: Command, result: CommandResult): void {
  program
    .command('start')
    .description('Run the shipped docs (seeds/) against the built-in sandbox API: no AWS account, no tokens.')
    .addOption(
      new Option('--scenario <name>', 'healthy, or spam-flagged (flags the sandbox business first)')
        .choices(SCENARIOS)
        .default('healthy'),
    )
    .option('--alert-webhook <url>', 'POST business alerts (JSON) to this URL')
    .option('--state <dir>', 'local state folder', '.verifier')
    .option('--docs <dir>', 'docs folder (default: the shipped seeds/)')
    .option('--seed <n>', 'sandbox seed (default 1)', parseInteger('--seed', 0, 2 ** 31))
    .action(async (opts: StartOptions) => {
      const { executeStart } = await import('./start.js');
      result.code = await executeStart(opts, consoleIo());
    });
}
