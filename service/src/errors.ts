/**
 * Error hierarchy of the indexing service.
 *
 * `RetryableError`: a transient fault (network, rate limit, node busy) — the caller may retry with backoff.
 * `FatalError`: retrying cannot help (bad configuration, corrupt data, a reorg deeper than the kept history).
 */

/** Options shared by every service error. */
export interface BaseErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** Extra detail for logs (not part of the short message). */
  details?: string;
}

/** Root of every error the service throws on purpose. */
export class BaseError extends Error {
  /** The message without details or cause. */
  readonly shortMessage: string;
  /** Extra detail for logs. */
  readonly details?: string;

  constructor(shortMessage: string, options: BaseErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n${options.details}` : shortMessage, { cause: options.cause });
    this.name = new.target.name;
    this.shortMessage = shortMessage;
    this.details = options.details;
  }

  /** Walks the cause chain and returns the first error matching `predicate`, or undefined. */
  walk(predicate: (e: unknown) => boolean): unknown {
    let e: unknown = this;
    for (let i = 0; i < 16 && e !== undefined && e !== null; i++) {
      if (predicate(e)) return e;
      e = (e as { cause?: unknown }).cause;
    }
    return undefined;
  }
}

/** A transient fault: retrying later may succeed. */
export class RetryableError extends BaseError {}

/** A permanent fault: stop and report. */
export class FatalError extends BaseError {}

/** Invalid configuration (names the offending variable). */
export class ConfigError extends FatalError {}

/** A JSON-RPC error response from the node. `code` and `data` are the node's. */
export class RpcResponseError extends BaseError {
  readonly code: number;
  readonly data?: unknown;
  constructor(method: string, code: number, message: string, data?: unknown) {
    super(`RPC ${method} failed (${code}): ${message}`);
    this.code = code;
    this.data = data;
  }
}

/** The node refused a log query as too large (too many results, response size, block range limit). */
export class LogRangeTooLargeError extends RetryableError {}

/**
 * The database cannot be reached or went away (restart, immediate stop, network): retry later. The API answers 503
 * with Retry-After; the indexer retries the range. `dependency` names it for messages ("the database").
 */
export class DatabaseUnavailableError extends RetryableError {
  readonly dependency = "database";
}

/** True when `e` is (or wraps) a RetryableError. */
export function isRetryable(e: unknown): boolean {
  return e instanceof RetryableError;
}
