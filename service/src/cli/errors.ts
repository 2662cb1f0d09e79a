/** An error the CLI reports as "error: <message>" with a hint on what to do, and a non-zero exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Exit code when a check ran fine but found nothing (e.g. `verify` of unknown content). */
export const EXIT_NOT_FOUND = 2;
