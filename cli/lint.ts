// Placeholder: replaced by the module that implements `verifier lint`.
import type { Command } from 'commander';
import type { CommandResult } from './main.js';

export function registerLint(program: Command, result: CommandResult): void {
  program.command('lint').description('(not implemented yet)').action(() => {
    result.code = 2;
  });
}
