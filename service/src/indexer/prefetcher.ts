/**
 * Backfill pipelining: several ranges in flight, each fetched on top of the range before it, while the ranges
 * already fetched are written. The first range of a step is fetched on top of the committed tip (its hash checked);
 * a range fetched ahead is fetched on top of the previous range's last block by number, and used only if the hash
 * it read there is that range's last block hash — otherwise it and everything after it is thrown away and fetched
 * again on top of the known tip (where a reorg shows as a reorg). Ranges already fetched when a step asks are joined
 * to the first one (up to `maxBatchLogs` logs), so that a backfill commits several ranges per transaction.
 *
 * Verification hook: `verify(range)` (optional) runs on each range as part of its fetch, still in flight, for checks
 * beyond the fetch's own (the logsBloom check is inside fetch-range.ts, where the raw logs and the
 * headers are, so that it runs in the fetch worker too). A range is handed out only after it resolved; when it
 * throws, the error surfaces at that range's turn exactly like a fetch error (RangeChangedError: read it again;
 * ReorgDetectedError: roll back; any other: the step fails and is retried), and the ranges after it are dropped.
 * The range holds its decoded events (or, fetched in a worker, its rows and no events), headers and block times.
 */
import type { AdaptiveRange } from "./adaptive-range";
import type { FetchedRange, RangeBase, TipRef } from "./fetch-range";

/** Fetches [from, to] on top of `base` (undefined: nothing below, the start block). */
export type FetchRange = (base: RangeBase | undefined, from: number, to: number) => Promise<FetchedRange>;

/** Checks a fetched range before it is written (see the file's header); throws to refuse it. */
export type VerifyRange = (range: FetchedRange) => Promise<void>;

/** Options of {@link createPrefetcher}. */
export interface PrefetcherOptions {
  fetch: FetchRange;
  /** Sizes each new range; observes each fetched one. */
  range: AdaptiveRange;
  /** Ranges in flight at most (the one being taken included). Default 3. */
  depth?: number;
  /** Logs joined into one step at most. Default 10 000. */
  maxBatchLogs?: number;
  verify?: VerifyRange;
}

/** The ranges in flight. */
export interface Prefetcher {
  /**
   * The next range from `from`, on top of `tip` (undefined: nothing indexed yet), ending at or before `head`: the
   * range fetched ahead from there (or one fetched now), joined with the directly following ranges already fetched.
   * Starts fetching the ranges after it before returning. Throws what the first range's fetch threw (and drops the
   * ranges in flight).
   */
  next(tip: TipRef | undefined, from: number, head: number): Promise<FetchedRange>;
  /** Drops the ranges in flight. */
  clear(): void;
}

interface InFlight {
  from: number;
  to: number;
  result: Promise<FetchedRange>;
  /** Set once fetched (and verified). */
  done?: FetchedRange;
}

/** Creates an empty prefetcher. */
export function createPrefetcher(o: PrefetcherOptions): Prefetcher {
  const depth = Math.max(1, o.depth ?? 3);
  const maxBatchLogs = o.maxBatchLogs ?? 10_000;
  let queue: InFlight[] = [];
  /** Bumped by clear(): fetches of an older generation do not touch the range controller. */
  let generation = 0;
  /**
   * Whether a range of this prefetcher has come back yet. Until one has, the range size is a guess (the configured
   * initial size), so only one range is in flight: four guesses at a dense chain would each be too large.
   */
  let sized = false;

  const launch = (base: RangeBase | undefined, from: number, head: number): InFlight => {
    const to = Math.min(head, from + o.range.size - 1);
    const gen = generation;
    const f: InFlight = {
      from,
      to,
      result: o.fetch(base, from, to).then(async (r) => {
        if (o.verify) await o.verify(r);
        if (gen === generation) o.range.observe(r.to - r.from + 1, r.logCount);
        sized = true;
        f.done = r;
        return r;
      }),
    };
    f.result.catch(() => undefined); // surfaced when taken
    return f;
  };

  /** Launches ranges after block `end` (the last one handed out or in flight) up to the depth. */
  const fill = (end: number, head: number): void => {
    while (queue.length < (sized ? depth : 1)) {
      const last = queue.length ? queue[queue.length - 1].to : end;
      if (last >= head) return;
      queue.push(launch({ blockNumber: last }, last + 1, head));
    }
  };

  const clear = (): void => {
    queue = [];
    generation++;
  };

  async function next(tip: TipRef | undefined, from: number, head: number): Promise<FetchedRange> {
    let first = queue[0];
    if (!first || first.from !== from) {
      clear();
      first = launch(tip, from, head);
      queue.push(first);
    }
    fill(first.to, head);
    let range: FetchedRange;
    try {
      range = await first.result;
    } catch (e) {
      clear();
      throw e;
    }
    queue.shift();
    if (tip && range.below?.hash !== tip.blockHash) {
      // fetched ahead on top of a block that is no longer the tip's: fetch it again on top of the tip itself
      clear();
      return next(tip, from, head);
    }
    // join the ranges after it that are already here (each must sit on the one before it)
    while (queue[0]?.done && range.logCount + queue[0].done.logCount <= maxBatchLogs) {
      const after = queue[0].done;
      if (after.below?.hash !== range.toHeader.hash) {
        clear();
        break;
      }
      queue.shift();
      range = join(range, after);
    }
    fill(range.to, head);
    return range;
  }

  return { next, clear };
}

/** `a` followed by `b` (which starts right after it), as one range; mutates `a`. */
function join(a: FetchedRange, b: FetchedRange): FetchedRange {
  for (const [n, h] of b.headers) a.headers.set(n, h);
  for (const [n, t] of b.blockTimes) a.blockTimes.set(n, t);
  for (const ev of b.events) a.events.push(ev);
  if (a.rows && b.rows) {
    for (const [table, set] of b.rows) {
      const into = a.rows.get(table);
      if (into) for (const v of set.values) into.values.push(v);
      else a.rows.set(table, set);
    }
  }
  return { ...a, to: b.to, toHeader: b.toHeader, logCount: a.logCount + b.logCount };
}
