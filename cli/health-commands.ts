// Flags of `verifier mute | mutes | unmute | digest` (issue 12), registered like the others in
// commands.ts: the implementation (cli/mute.ts) and the local store load only when a command runs.
import type { Command } from 'commander';
import type { CommandResult } from './command-result.js';
import type { MuteCommandOptions } from './mute.js';

const io = () => ({
  stdout: (s: string) => void process.stdout.write(s),
  stderr: (s: string) => void process.stderr.write(s),
  now: () => new Date(),
});

async function openStore(dir: string | undefined) {
  const { createLocalStateStore } = await import('../lambda/adapters/local/state-store.js');
  const { asHealthStore } = await import('./mute.js');
  const store = createLocalStateStore({ dir: dir ?? '.verifier' });
  return { store, health: asHealthStore(store) };
}

export function registerHealth(program: Command, result: CommandResult): void {
  program
    .command('mute')
    .description('Mute alerts for docs (they still run and record results) for a while.')
    .option('--doc <glob>', 'docs whose id matches this glob')
    .option('--domain <domain>', 'docs of this domain')
    .option('--tag <tag>', 'docs with this tag')
    .option('--all', 'every doc, and target conditions')
    .option('--for <duration>', 'e.g. 90m, 2h, 1d')
    .option('--until <iso>', 'e.g. 2026-12-05T06:00:00Z')
    .option('--reason <text>', 'shown in `verifier mutes` and the digest')
    .option('--state <dir>', 'local state folder (default: .verifier/)')
    .action(async (opts: MuteCommandOptions) => {
      const { muteCommand } = await import('./mute.js');
      result.code = await muteCommand((await openStore(opts.state)).health, opts, io());
    });
  program
    .command('mutes')
    .description('List the mutes in force or scheduled.')
    .option('--state <dir>', 'local state folder (default: .verifier/)')
    .action(async (opts: { state?: string }) => {
      const { mutesCommand } = await import('./mute.js');
      result.code = await mutesCommand((await openStore(opts.state)).health, io());
    });
  program
    .command('unmute')
    .description('Remove a mute.')
    .argument('<id>', 'the mute id, as `verifier mutes` shows it')
    .option('--state <dir>', 'local state folder (default: .verifier/)')
    .action(async (id: string, opts: { state?: string }) => {
      const { unmuteCommand } = await import('./mute.js');
      result.code = await unmuteCommand((await openStore(opts.state)).health, id, io());
    });
  program
    .command('digest')
    .description('Open incidents, invalid docs, flapping docs and mutes.')
    .option('--state <dir>', 'local state folder (default: .verifier/)')
    .action(async (opts: { state?: string }) => {
      const { digestText } = await import('./mute.js');
      const { store, health } = await openStore(opts.state);
      process.stdout.write(
        await digestText({ health, listDocStates: (f) => store.listDocStates(f) }, new Date().toISOString()),
      );
      result.code = 0;
    });
}
