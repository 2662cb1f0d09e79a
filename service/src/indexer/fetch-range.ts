/**
 * Fetches one block range consistently: the block below the range must be the one it is fetched on top of, the
 * headers read must form one chain, every log must belong to the header of its block, and every block whose bloom
 * names a followed contract must be accounted for (`range-check.ts`): an empty or short answer is asked again, then
 * refused.
 *
 * Two ways, by where the range lies:
 * - In the reorg window (a range ending above `settled.through`: chain-sync.ts passes the head minus the larger of the
 *   kept hashes' window and twice the confirmation depth plus 16): eth_getLogs and the header of EVERY block of the
 *   range plus the block below it, read at once (one round trip's latency, raw JSON-RPC batches, a few in flight:
 *   chain/transport.ts). Block times come from these headers.
 * - Below it, where the chain does not change by the operator's own confirmation depth: only the headers the answer
 *   needs. First the block below, the last block and the kept anchors; then the logs; then the header of every block
 *   the answer has no log for (its bloom checked as above), of every block whose logs carry no usable
 *   `blockTimestamp` (anvil, reth and geth ≥ 1.16 add it), and of the last block again, which must not have changed
 *   while the logs were read (so the logs are of the chain those ends describe). A block with logs is then taken with
 *   its logs' hash (one per block) and time. At one event a block this reads 2 headers a range instead of one per
 *   event (docs/indexer-benchmark-history.md, "Headers where the answer needs them").
 * Blooms are dropped once checked: a range keeps small headers only.
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
  /**
   * The headers read: of every block of the range in the reorg window, below it of those the answer needed (their
   * logsBloom dropped once checked).
   */
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


/** Where a range is read with only the headers its answer needs (see the file's header). */
export interface SettledPart {
  /** The newest block below the reorg window (head − kept hashes' window); -1: none. */
  through: number;
  /** Below the window, the headers of blocks whose number is a multiple of this are read too (the kept anchors). */
  anchorEvery: number;
}

/** Reads one range on top of `base` (fetchRange on this thread, or fetch-worker.ts). */
export type RangeReader = (base: RangeBase | undefined, from: number, to: number, settled: SettledPart) => Promise<FetchedRange>;

/** Options of {@link fetchRange}. */
export interface FetchRangeOptions {
  /** Called before an empty or short answer is asked again (logging, status). */
  onRefetch?: (e: IncompleteLogsError) => void;
  /** Default: no settled part (every header read). */
  settled?: SettledPart;
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
  options: FetchRangeOptions = {},
): Promise<FetchedRange> {
  const settled = options.settled && to <= options.settled.through ? options.settled : undefined;
  const headers = new Map<number, BlockHeader>();
  let raw: RawLog[];
  let below: BlockHeader | undefined;
  if (settled) {
    // the ends first, then the logs, then the end again (readHeadersTheAnswerNeeds)
    const nums: number[] = [to];
    for (let n = Math.ceil(from / settled.anchorEvery) * settled.anchorEvery; n < to; n += settled.anchorEvery) nums.push(n);
    below = takeHeaders(base, from, to, nums, await rpc.eth_getBlocksOrNull(withBase(nums, base)), headers);
    raw = await rpc.eth_getLogs(addresses, from, to);
  } else {
    // The logs and every header of the range (and the block below) are read at once: nothing in the checks below
    // depends on which answer came first. Every log must sit in its block as these headers have it (hash), the
    // headers must form one chain on top of `base`, and every block without logs in the answer is accounted for by
    // its bloom or, when suspect, by its receipts (checked against the same header's hash): so the answer is the
    // logs of the chain these headers describe, whichever order the node answered in.
    const nums: number[] = [];
    for (let n = from; n <= to; n++) nums.push(n);
    const [first, hs] = await Promise.all([rpc.eth_getLogs(addresses, from, to), rpc.eth_getBlocksOrNull(withBase(nums, base))]);
    raw = first;
    below = takeHeaders(base, from, to, nums, hs, headers);
  }
  const toHeader = headers.get(to)!;
  let logs: RawLog[];
  let logTimes = new Map<number, number | null>();
  for (let attempt = 0; ; attempt++) {
    logs = raw.filter((l) => !l.removed && addressSet.has(l.address.toLowerCase()));
    if (settled) logTimes = await readHeadersTheAnswerNeeds(rpc, from, to, logs, headers);
    checkOneChain(from, to, below, headers);
    try {
      await verifyRange(rpc, addressSet, bloomOf(addresses), from, to, headers, logs);
      break;
    } catch (e) {
      if (!(e instanceof IncompleteLogsError) || attempt >= REFETCHES) throw e;
      options.onRefetch?.(e);
      raw = await rpc.eth_getLogs(addresses, from, to);
    }
  }
  for (const h of headers.values()) h.logsBloom = ""; // checked; 0.5 KB a block less held while in flight
  const blockTimes = new Map<number, number>();
  const logHashes = new Map<number, string>();
  const events: (DecodedEvent | UnknownEvent)[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) {
    const ev = decoder.decode(logs[i]);
    const n = ev.meta.blockNumber;
    if (!(n >= from && n <= to)) throw new RangeChangedError(`log ${n}/${ev.meta.logIndex} is outside the range ${from}-${to}`);
    const h = headers.get(n);
    if (h) {
      if (h.hash !== ev.meta.blockHash) throw new RangeChangedError(`log ${n}/${ev.meta.logIndex} is not in the canonical block`);
      blockTimes.set(n, h.timestamp);
    } else {
      // a settled range's block with logs, taken with its logs' hash and time (readHeadersTheAnswerNeeds)
      const time = logTimes.get(n);
      if (time === undefined || time === null) throw new RangeChangedError(`block ${n} has logs but no header nor time was read`); // cannot happen
      const hash = logHashes.get(n);
      if (hash === undefined) logHashes.set(n, ev.meta.blockHash);
      else if (hash !== ev.meta.blockHash) throw new RangeChangedError(`the logs of block ${n} name two block hashes`);
      blockTimes.set(n, time);
    }
    events[i] = ev;
  }
  blockTimes.set(to, toHeader.timestamp);
  events.sort((a, b) => a.meta.blockNumber - b.meta.blockNumber || a.meta.logIndex - b.meta.logIndex);
  return { from, to, toHeader, below, headers, blockTimes, events, logCount: logs.length };
}

const withBase = (nums: readonly number[], base: RangeBase | undefined): number[] => (base ? [...nums, base.blockNumber] : [...nums]);

/**
 * Puts the headers read for `nums` (then the base's, right after them, when there is a base) into `headers`; returns
 * the base's.
 * Throws ReorgDetectedError when the base has another hash than the one the range is fetched on, RangeChangedError
 * when a block is missing.
 */
function takeHeaders(
  base: RangeBase | undefined,
  from: number,
  to: number,
  nums: readonly number[],
  read: readonly (BlockHeader | null)[],
  headers: Map<number, BlockHeader>,
): BlockHeader | undefined {
  const below = base ? read[nums.length] ?? undefined : undefined;
  if (base) {
    if (!below) throw new RangeChangedError(`block ${base.blockNumber} (below ${from}) is not on the node (a node behind?)`);
    if (base.blockHash !== undefined && below.hash !== base.blockHash) throw new ReorgDetectedError(base.blockNumber, base.blockHash, below.hash);
  }
  for (let i = 0; i < nums.length; i++) {
    const h = read[i];
    if (!h) throw new RangeChangedError(`block ${nums[i]} disappeared while reading ${from}-${to}`);
    headers.set(h.number, h);
  }
  return below;
}

/** The headers read form one chain from `below` to `to`: each sits on the one before it, where both were read. */
function checkOneChain(from: number, to: number, below: BlockHeader | undefined, headers: ReadonlyMap<number, BlockHeader>): void {
  for (let n = from; n <= to; n++) {
    const h = headers.get(n);
    const parent = n === from ? below : headers.get(n - 1);
    if (h && parent && h.parentHash !== parent.hash) throw new RangeChangedError(`block ${n} does not sit on block ${n - 1} as read in ${from}-${to}`);
  }
}

/**
 * A settled range's second read: the header of every block the answer has no log for (its bloom is checked), of
 * every block whose logs give no usable time, and of the last block again (it must be the one read before the logs).
 * Returns each block's time as its logs give it (null: not usable).
 */
async function readHeadersTheAnswerNeeds(
  rpc: Rpc,
  from: number,
  to: number,
  logs: readonly RawLog[],
  headers: Map<number, BlockHeader>,
): Promise<Map<number, number | null>> {
  const times = new Map<number, number | null>();
  for (const l of logs) {
    const n = parseInt(l.blockNumber, 16);
    const t = typeof l.blockTimestamp === "string" && /^0x[0-9a-fA-F]{1,12}$/.test(l.blockTimestamp) ? parseInt(l.blockTimestamp, 16) : null;
    const seen = times.get(n);
    times.set(n, seen === undefined ? t : seen === t ? t : null);
  }
  const need: number[] = [];
  for (let n = from; n <= to; n++) if (!headers.has(n) && (times.get(n) ?? null) === null) need.push(n);
  const read = await rpc.eth_getBlocksOrNull([...need, to]);
  takeHeaders(undefined, from, to, need, read, headers);
  const again = read[need.length];
  if (!again || again.hash !== headers.get(to)!.hash) throw new RangeChangedError(`block ${to} changed while the logs of ${from}-${to} were read`);
  return times;
}
