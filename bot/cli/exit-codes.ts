/** Exit codes of the prenv CLI; documented in README.md. */
export const ExitCode = {
  ok: 0,
  /** The command ran and something failed (a deploy, a check, a tool). */
  failure: 1,
  /** Wrong arguments or options. */
  usage: 2,
  /** prenv.yml is missing or invalid. */
  config: 3,
  /** Refused: a production change without --yes off a TTY, a dirty template tree, the cap. */
  refused: 4,
  /** Stopped by SIGINT or SIGTERM (128 + 2, as shells report Ctrl-C). */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI shows as one readable message, with its exit code, and no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
