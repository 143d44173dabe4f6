/** Exit codes of the `xietong` CLI: documented in the README. */
export const EXIT = { ok: 0, failure: 1, usage: 2, locked: 3, invalid: 4, notFound: 5, auth: 6 } as const;

/** A command's failure for the user: the message goes to stderr, the process exits with `exitCode` (EXIT). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
