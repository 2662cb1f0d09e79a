import pino from "pino";

/** The service's logger type (pino). */
export type Logger = pino.Logger;

/** Parameters of {@link createLogger}. */
export interface CreateLoggerParameters {
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  level?: string;
  /** Name shown on each line. Default "shuquan". */
  name?: string;
}

/** Creates a JSON logger on stdout. */
export function createLogger(params: CreateLoggerParameters = {}): Logger {
  return pino({ name: params.name ?? "shuquan", level: params.level ?? "info" });
}

/** A logger that discards everything (tests). */
export function createSilentLogger(): Logger {
  return pino({ level: "silent" });
}
