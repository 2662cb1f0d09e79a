/**
 * Fetches one block range consistently: the range's last block header before and after eth_getLogs must agree,
 * the block below the range must be the one it is fetched on top of, the headers read must form one chain, every
 * log must belong to the header of its block, and every block whose bloom names a followed contract must be
 * accounted for (`range-check.ts`): an empty or short answer is asked again, then refused.
 *
 * Headers read: the range's last block and the block below it before the logs; after the logs, the header of EVERY
 * block of the range (its logsBloom is what an empty answer is checked against) and the block below again. The header
 * batches go out a few at once (chain/transport.ts). Block times come from these headers, so a log's
 * `blockTimestamp` is not needed (nor trusted). Blooms are dropped once checked: a range keeps small headers only.
 */
import { RetryableError } from "../errors";
import type { Decoder, DecodedEvent, UnknownEvent } from "../chain/decoder";
import type { BlockHeader, RawLog, Rpc } from "../chain/rpc";
import type { TableRows } from "./handlers";
import { addressBloom, IncompleteLogsError, verifyRange, type AddressBloom } from "./range-check";

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

/** The chain changed while the range was being read; read it again. */
export class RangeChangedError extends RetryableError {}

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
 * Checks that `base` is still canonical: throws {@link ReorgDetectedError} when the node has another block there, or
 * RangeChangedError when it has none (a node behind is not a reorg). Returns the header of `to`.
 */
async function readEnds(rpc: Rpc, base: RangeBase | undefined, to: number): Promise<BlockHeader> {
  const nums = base ? [base.blockNumber, to] : [to];
  const hs = await rpc.eth_getBlocksOrNull(nums);
  if (base?.blockHash !== undefined) {
    if (!hs[0]) throw new RangeChangedError(`block ${base.blockNumber} (the indexed tip) is not on the node (a node behind?)`);
    if (hs[0].hash !== base.blockHash) throw new ReorgDetectedError(base.blockNumber, base.blockHash, hs[0].hash);
  }
  const last = hs[hs.length - 1];
  if (!last) throw new RangeChangedError(`block ${to} disappeared`);
  return last;
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
  const before = await readEnds(rpc, base, to);
  let raw: RawLog[] = await rpc.eth_getLogs(addresses, from, to);
  const nums: number[] = [];
  for (let n = from; n <= to; n++) nums.push(n);
  if (base) nums.push(base.blockNumber);
  const hs = await rpc.eth_getBlocksOrNull(nums);
  const headers = new Map<number, BlockHeader>();
  hs.forEach((h, i) => {
    if (!h) throw new RangeChangedError(`block ${nums[i]} disappeared while reading ${from}-${to}`);
    headers.set(h.number, h);
  });
  const toHeader = headers.get(to)!;
  if (toHeader.hash !== before.hash) throw new RangeChangedError(`block ${to} changed while reading ${from}-${to}`);
  const below = base ? headers.get(base.blockNumber) : undefined;
  if (base) headers.delete(base.blockNumber);
  if (base?.blockHash !== undefined && below!.hash !== base.blockHash) {
    throw new ReorgDetectedError(base.blockNumber, base.blockHash, below!.hash);
  }
  // One chain from `below` to `to` (whose hash held across the logs): the blooms checked are the canonical blocks'.
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
