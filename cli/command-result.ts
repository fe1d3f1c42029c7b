/** What a command leaves for `main` to exit with (commander's actions return nothing). */
export type CommandResult = { code: number };
