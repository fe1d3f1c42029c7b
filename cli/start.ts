// Placeholder: replaced by the module that implements `verifier start`.
import type { Command } from 'commander';
import type { CommandResult } from './main.js';

export function registerStart(program: Command, result: CommandResult): void {
  program.command('start').description('(not implemented yet)').action(() => {
    result.code = 2;
  });
}
