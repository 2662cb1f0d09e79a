/**
 * Block-range sizing for eth_getLogs: halves on a "too large" refusal, grows while results stay below the target
 * (doubling when empty), shrinks toward the target when a range is dense. Without a configured first size, the first
 * range is one block, a probe of the chain's density that any node answers at once.
 */

/**
 * The size after an empty probe: nothing to go by, so the guess a fixed first size used to be (a quiet chain's
 * ranges grow from there, a dense one's shrink).
 */
export const EMPTY_PROBE_RANGE = 1000;

/** Options of {@link createAdaptiveRange}. */
export interface AdaptiveRangeOptions {
  /**
   * First range size in blocks. Default: a one-block probe, then the size that would hold half the target at the
   * probe's density ({@link EMPTY_PROBE_RANGE} blocks if it held no log). A fixed first size is a guess that costs, on
   * a dense chain, an answer of up to that many blocks' logs before the second range can be sized and asked for.
   */
  initial?: number;
  /** Largest range. Default 100 000. */
  max?: number;
  /** Logs per request to aim for. Default 5000. */
  targetLogs?: number;
}

/** The controller. */
export interface AdaptiveRange {
  /** Current size in blocks (≥ 1). */
  readonly size: number;
  /** The node refused the last range: halve. Returns false if the size was 1 already (cannot shrink). */
  shrink(): boolean;
  /** A range of `blocks` blocks returned `logs` logs: adapt. */
  observe(blocks: number, logs: number): void;
}

/** Creates a range controller. */
export function createAdaptiveRange(options: AdaptiveRangeOptions = {}): AdaptiveRange {
  const max = Math.max(1, options.max ?? 100_000);
  const target = Math.max(1, options.targetLogs ?? 5000);
  let probing = options.initial === undefined;
  let size = options.initial === undefined ? 1 : Math.min(max, Math.max(1, options.initial));
  // After a refusal, do not grow past the refused size again for a while.
  let ceiling = max;
  return {
    get size() {
      return size;
    },
    shrink() {
      if (size <= 1) return false;
      ceiling = Math.max(1, size - 1);
      size = Math.max(1, Math.floor(size / 2));
      return true;
    },
    observe(blocks, logs) {
      if (blocks < size) return; // a short range (at the head) says little
      if (probing) {
        probing = false;
        size = Math.min(ceiling, max, logs === 0 ? EMPTY_PROBE_RANGE : Math.max(1, Math.floor((blocks * target) / logs / 2)));
        return;
      }
      if (logs > target) {
        size = Math.max(1, Math.floor((size * target) / logs));
      } else if (logs < target * 0.8) {
        // sparse: toward half the target (a first guess), then, once within a factor of two, to the target itself
        const toTarget = logs === 0 ? size * 2 : Math.floor((size * target) / logs);
        const toHalf = logs === 0 ? toTarget : Math.floor(toTarget / 2);
        // half way first; but when half way rounds down to no growth (a dense chain, ranges of a few blocks), the
        // target itself, or the range would stay below half of it for good
        const grown = logs < target / 2 && toHalf > size ? toHalf : toTarget;
        size = Math.min(ceiling, max, Math.max(size, grown));
        ceiling = Math.min(max, ceiling + Math.ceil(ceiling / 8)); // slowly forget a past refusal
      }
    },
  };
}
