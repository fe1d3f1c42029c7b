// Placeholder: replaced by the module that implements `verifier run`.
import type { Command } from 'commander';
import type { CommandResult } from './main.js';

export function registerRun(program: Command, result: CommandResult): void {
  program.command('run').description('(not implemented yet)').action(() => {
    result.code = 2;
  });
}
