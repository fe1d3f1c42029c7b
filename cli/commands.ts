// The subcommands' flags, registered with commander without loading their implementations: each action
// imports its module when it runs, so `verifier --help` and every command start with only commander
// loaded (the engine, undici, yaml and the sandbox load only for the command that needs them).
import { type Command, Option } from 'commander';
import type { CommandResult } from './command-result.js';
import type { LintCommandOptions } from './lint.js';
import { collect, parseInteger, SCENARIOS } from './options.js';
import type { RunCliOptions } from './run-config.js';
import type { SandboxCommandOptions } from './sandbox.js';
import type { StartOptions } from './start.js';
import type { StatusCommandOptions } from './status.js';

/** Colour: FORCE_COLOR (not "0") forces it, NO_COLOR (any value) turns it off, else a terminal has it. */
export function colorFor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

export { registerHealth } from './health-commands.js';

/** Hooks SIGINT and SIGTERM for one run; the returned function unhooks them. */
const onProcessSignals = (onSignal: () => void): (() => void) => {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
};

const consoleIo = () => ({
  stdout: process.stdout,
  stderr: process.stderr,
  isTTY: Boolean(process.stdout.isTTY),
  color: colorFor(process.env, Boolean(process.stdout.isTTY)),
  onInterrupt: onProcessSignals,
});

export function registerLint(program: Command, result: CommandResult): void {
  program
    .command('lint')
    .description('Check workflow docs without sending a request (files or folders; default seeds/).')
    .argument('[paths...]', 'doc files or folders (folders are searched for *.md)')
    .option('--tokens <file>', 'tokens file whose params names count as defined variables')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option(
      '--exclude <glob>',
      'leave out files matching this glob (repeatable; also .verifierignore)',
      collect,
    )
    .option('--allow-empty', 'exit 0 when no doc is found (otherwise exit 2)')
    .option('--openapi <dir>', "also check each step's operation is in the spec its swagger: field names")
    .option('--openapi-ref-map <url=dir>', 'read remote $refs under URL from DIR (repeatable)', collect)
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
    .option('--docs <dir>', 'docs root, or one doc file; doc ids are paths relative to it (default: seeds/)')
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
    .option('--fail-after <n>', 'consecutive fail/error runs that open a doc incident (default: 2)')
    .option('--recover-after <n>', 'consecutive passes that close it (default: 1)')
    .option('--deadline-ms <n>', 'for the whole run; docs not started in time are skip "deadline"')
    .option('--state <dir>', 'local state folder (default: .verifier/)')
    .option('--report <kind=file>', 'json=FILE, junit=FILE or html=FILE (repeatable)', collect)
    .option('--alert-webhook <url>', 'POST alerts as JSON to this URL')
    .option('--test-files <dir>', 'folder for file_fields (default: <docs>/../test-files when present)')
    .option(
      '--exclude <glob>',
      'leave out doc files matching this glob (repeatable; also <docs>/.verifierignore)',
      collect,
    )
    .option('--allow-empty', 'exit 0 when the filters select no doc (otherwise exit 2)')
    .option('--bail', 'stop starting docs after the first doc that does not pass')
    .option('--verbose', "print each step's request and response (redacted) to stderr")
    .option(
      '--auth-matrix [mode]',
      "re-send passing docs' steps with the other token types their Authentication table names: get (default) or all",
    )
    .option('--openapi <dir>', "check 2xx responses against the specs under DIR (the docs' swagger: root)")
    .option(
      '--openapi-ref-map <url=dir>',
      'read remote $refs under URL from DIR, never fetched (repeatable)',
      collect,
    )
    .option('--contract <mode>', 'strict: a response that drifts from its schema fails the doc')
    .option('--write-back', "after the run, set each passing doc's verifiedAt in its frontmatter")
    .option('--promote', 'with --write-back: a passing pending doc becomes status: verified')
    .option('--dry-run', 'with --write-back: print the changes, write nothing')
    .option('--config <file>', 'JSON file with any of these options; flags win')
    .addHelpText('after', RUN_HELP)
    .action(async (opts: RunCliOptions) => {
      const { executeRun } = await import('./run.js');
      result.code = await executeRun(opts, consoleIo());
    });
}

const RUN_HELP = `
Examples:
  $ verifier run --docs docs/ --base-url https://staging.example.com/apigw \\
      --fallback-url https://staging.example.com/api2 --tokens tokens.json
  $ verifier run --config verifier.json --domain clients --report junit=junit.xml
  $ verifier run --docs docs/clients/get_client.md --verbose --base-url ... --tokens tokens.json

Exit codes: 0 every selected doc passed or was skipped; 1 a doc ended fail, error, blocked or invalid;
2 usage error (names the flag or file); 130 interrupted (Ctrl-C: in-flight docs finish, a second
Ctrl-C aborts them).`;

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
      new Option(
        '--scenario <name>',
        'healthy; spam-flagged (flags the sandbox business first); outage (GET /platform/v1/staffs answers 500); gateway-down (both gateways answer 503); token-revoked (the staff token answers 401); auth-drift (one endpoint accepts the app token; runs --auth-matrix)',
      )
        .choices(SCENARIOS)
        .default('healthy'),
    )
    .option('--alert-webhook <url>', 'POST alerts (JSON) to this URL')
    .option('--state <dir>', 'local state folder', '.verifier')
    .option('--docs <dir>', 'docs folder (default: the shipped seeds/)')
    .option('--seed <n>', 'sandbox seed (default 1)', parseInteger('--seed', 0, 2 ** 31))
    .action(async (opts: StartOptions) => {
      const { executeStart } = await import('./start.js');
      result.code = await executeStart(opts, consoleIo());
    });
}

export function registerStatus(program: Command, result: CommandResult): void {
  program
    .command('status')
    .description(
      'The state at a glance: last run, incidents, conditions, mutes; --html writes the status page.',
    )
    .option('--state <dir>', 'local state folder', '.verifier')
    .option('--html <file>', 'write the status page (one self-contained HTML file) here')
    .option('--docs <dir>', "docs folder, to show failing docs' Known Issues")
    .action(async (opts: StatusCommandOptions) => {
      const { statusCommand } = await import('./status.js');
      result.code = await statusCommand(opts, {
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
      });
    });
}
