/**
 * Backfill pipelining: the next range is fetched while the current one is written. A prefetched range is used
 * only if it starts right after the tip that was then committed, on top of the same block hash; otherwise (a failed
 * write, a reorg, a retried range) it is thrown away.
 */
import type { FetchedRange, TipRef } from "./fetch-range";

/** Fetches [from, to] on top of `tip`. */
export type FetchRange = (tip: TipRef, from: number, to: number) => Promise<FetchedRange>;

/** The range fetched ahead, if any. */
export interface Prefetcher {
  /** Starts fetching [from, to] on top of `tip` (replacing any range fetched ahead). */
  start(tip: TipRef, from: number, to: number): void;
  /** The range fetched ahead if it starts at `from` on top of `tip`; handed out once, dropped otherwise. */
  take(from: number, tip: TipRef | undefined): Promise<FetchedRange> | undefined;
  /** Drops the range fetched ahead. */
  clear(): void;
}

/** Creates an empty prefetcher. */
export function createPrefetcher(fetch: FetchRange): Prefetcher {
  let ahead: { from: number; tipHash: string; result: Promise<FetchedRange> } | undefined;
  return {
    start(tip, from, to) {
      const result = fetch(tip, from, to);
      result.catch(() => undefined); // surfaced when taken
      ahead = { from, tipHash: tip.blockHash, result };
    },
    take(from, tip) {
      const a = ahead;
      ahead = undefined;
      return a && a.from === from && tip && a.tipHash === tip.blockHash ? a.result : undefined;
    },
    clear() {
      ahead = undefined;
    },
  };
}
