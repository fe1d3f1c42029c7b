// Placeholder: replaced by the module that implements `verifier sandbox`.
import type { Command } from 'commander';
import type { CommandResult } from './main.js';

export function registerSandbox(program: Command, result: CommandResult): void {
  program.command('sandbox').description('(not implemented yet)').action(() => {
    result.code = 2;
  });
}
