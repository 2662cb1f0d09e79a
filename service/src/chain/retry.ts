import { isRetryable } from "../errors";

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Attempts after the first. Default 5. */
  retries?: number;
  /** First delay; doubles each attempt, with ±20 % jitter. Default 200 ms. */
  baseDelayMs?: number;
  /** Cap on one delay. Default 10 s. */
  maxDelayMs?: number;
  /** Which errors to retry. Default: {@link isRetryable}. */
  shouldRetry?: (e: unknown) => boolean;
  /** Called before each wait (logging). */
  onRetry?: (e: unknown, attempt: number, delayMs: number) => void;
}

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Delay before retry `attempt` (1-based) under exponential backoff with jitter. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const d = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(d * (0.8 + Math.random() * 0.4));
}

/** Runs `fn`, retrying transient failures with exponential backoff; rethrows the last error. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 5;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  const should = options.shouldRetry ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt > retries || !should(e)) throw e;
      const delay = backoffDelay(attempt, base, max);
      options.onRetry?.(e, attempt, delay);
      await sleep(delay);
    }
  }
}
