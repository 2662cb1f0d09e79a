/**
 * Fetches one block range consistently: the block below the range must be the one it is fetched on top of, the
 * headers read must form one chain, every log must belong to the header of its block, and every block whose bloom
 * names a followed contract must be accounted for (`range-check.ts`): an empty or short answer is asked again, then
 * refused.
 *
 * Read at once (one round trip's latency, not three): eth_getLogs, and the header of EVERY block of the range plus
 * the block below it (raw JSON-RPC batches, a few in flight: chain/transport.ts). Block times come from these
 * headers, so a log's `blockTimestamp` is not needed (nor trusted). Blooms are dropped once checked: a range keeps
 * small headers only.
 */
import { RetryableError } from "../errors";
import type { Decoder, DecodedEvent, UnknownEvent } from "../chain/decoder";
import type { BlockHeader, RawLog, Rpc } from "../chain/rpc";
import type { TableRows } from "./handlers";
import { addressBloom, IncompleteLogsError, RangeChangedError, verifyRange, type AddressBloom } from "./range-check";

export { RangeChangedError };

/** What the caller knows about the indexed tip. */
export interface TipRef {
  blockNumber: number;
  blockHash: string;
}

/**
 * The block a range is fetched on top of: with its hash (checked: a different one is a reorg), or by number only
 * (a range fetched ahead, on top of a range not yet committed): the hash read is then returned in `below`, for the
 * caller to compare with that range's last block.
 */
export type RangeBase = TipRef | { blockNumber: number; blockHash?: undefined };

/** A fetched range. */
export interface FetchedRange {
  from: number;
  to: number;
  /** The last block of the range. */
  toHeader: BlockHeader;
  /** The block below `from` as read after the logs (undefined at the start block, with nothing below). */
  below?: BlockHeader;
  /** Headers of every block of the range (their logsBloom dropped once checked). */
  headers: Map<number, BlockHeader>;
  /** Block time (unix seconds) of every block with logs, and of `to`. */
  blockTimes: Map<number, number>;
  /** The decoded logs (empty when the range was mapped to `rows` where it was fetched: fetch-worker.ts). */
  events: (DecodedEvent | UnknownEvent)[];
  logCount: number;
  /** The rows of `events`, when already mapped. */
  rows?: TableRows;
}

/** The checkpoint block is no longer canonical. */
export class ReorgDetectedError extends RetryableError {
  constructor(readonly blockNumber: number, readonly expected: string, readonly actual: string) {
    super(`reorg detected at block ${blockNumber}: indexed ${expected}, chain has ${actual}`);
  }
}


/** Times an empty or short answer is asked again before the range is refused. */
const REFETCHES = 2;

const blooms = new Map<string, AddressBloom>();
function bloomOf(addresses: readonly string[]): AddressBloom {
  const key = addresses.join();
  let b = blooms.get(key);
  if (!b) blooms.set(key, (b = addressBloom(addresses)));
  return b;
}

/**
 * Reads logs of `addresses` in [from, to] and the headers of the range, checked and decoded, on top of `base`.
 * Throws LogRangeTooLargeError (shrink and retry), ReorgDetectedError, RangeChangedError or IncompleteLogsError.
 */
export async function fetchRange(
  rpc: Rpc,
  decoder: Decoder,
  addresses: readonly string[],
  addressSet: ReadonlySet<string>,
  base: RangeBase | undefined,
  from: number,
  to: number,
  /** Called before an empty or short answer is asked again (logging, status). */
  onRefetch?: (e: IncompleteLogsError) => void,
): Promise<FetchedRange> {
  // The logs and every header of the range (and the block below) are read at once: nothing in the checks below
  // depends on which answer came first. Every log must sit in its block as these headers have it (hash), the headers
  // must form one chain on top of `base`, and every block without logs in the answer is accounted for by its bloom
  // or, when suspect, by its receipts (checked against the same header's hash): so the answer is the logs of the
  // chain these headers describe, whichever order the node answered in.
  const nums: number[] = [];
  for (let n = from; n <= to; n++) nums.push(n);
  if (base) nums.push(base.blockNumber);
  const [first, hs] = await Promise.all([rpc.eth_getLogs(addresses, from, to), rpc.eth_getBlocksOrNull(nums)]);
  let raw: RawLog[] = first;
  const headers = new Map<number, BlockHeader>();
  const below = base ? hs[hs.length - 1] ?? undefined : undefined;
  if (base) {
    if (!below) throw new RangeChangedError(`block ${base.blockNumber} (below ${from}) is not on the node (a node behind?)`);
    if (base.blockHash !== undefined && below.hash !== base.blockHash) throw new ReorgDetectedError(base.blockNumber, base.blockHash, below.hash);
  }
  for (let i = 0; i < to - from + 1; i++) {
    const h = hs[i];
    if (!h) throw new RangeChangedError(`block ${nums[i]} disappeared while reading ${from}-${to}`);
    headers.set(h.number, h);
  }
  const toHeader = headers.get(to)!;
  // One chain from `below` to `to`: the blooms checked are those of one chain's blocks.
  for (let n = from; n <= to; n++) {
    const parent = n === from ? below : headers.get(n - 1);
    if (parent && headers.get(n)!.parentHash !== parent.hash) throw new RangeChangedError(`block ${n} does not sit on block ${n - 1} as read in ${from}-${to}`);
  }
  let logs: RawLog[];
  for (let attempt = 0; ; attempt++) {
    logs = raw.filter((l) => !l.removed && addressSet.has(l.address.toLowerCase()));
    try {
      await verifyRange(rpc, addressSet, bloomOf(addresses), from, to, headers, logs);
      break;
    } catch (e) {
      if (!(e instanceof IncompleteLogsError) || attempt >= REFETCHES) throw e;
      onRefetch?.(e);
      raw = await rpc.eth_getLogs(addresses, from, to);
    }
  }
  for (const h of headers.values()) h.logsBloom = ""; // checked; 0.5 KB a block less held while in flight
  const blockTimes = new Map<number, number>();
  const events: (DecodedEvent | UnknownEvent)[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) {
    const ev = decoder.decode(logs[i]);
    const h = headers.get(ev.meta.blockNumber);
    if (!h || h.hash !== ev.meta.blockHash) {
      throw new RangeChangedError(`log ${ev.meta.blockNumber}/${ev.meta.logIndex} is not in the canonical block`);
    }
    blockTimes.set(h.number, h.timestamp);
    events[i] = ev;
  }
  blockTimes.set(to, toHeader.timestamp);
  events.sort((a, b) => a.meta.blockNumber - b.meta.blockNumber || a.meta.logIndex - b.meta.logIndex);
  return { from, to, toHeader, below, headers, blockTimes, events, logCount: logs.length };
}
