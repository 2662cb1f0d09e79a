/**
 * Block-range sizing for eth_getLogs: halves on a "too large" refusal, grows while results stay below the target
 * (doubling when empty), shrinks toward the target when a range is dense.
 */

/** Options of {@link createAdaptiveRange}. */
export interface AdaptiveRangeOptions {
  /** First range size in blocks. Default 1000. */
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
  let size = Math.min(max, Math.max(1, options.initial ?? 1000));
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
      if (logs > target) {
        size = Math.max(1, Math.floor((size * target) / logs));
      } else if (logs < target * 0.8) {
        // sparse: toward half the target (a first guess), then, once within a factor of two, to the target itself
        const grown = logs === 0 ? size * 2 : Math.floor((size * target) / logs / (logs < target / 2 ? 2 : 1));
        size = Math.min(ceiling, max, Math.max(size, grown));
        ceiling = Math.min(max, ceiling + Math.ceil(ceiling / 8)); // slowly forget a past refusal
      }
    },
  };
}
