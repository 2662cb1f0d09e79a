/**
 * Fetches one block range consistently: the range's last block header before and after eth_getLogs must agree,
 * the block below the range must be the one it is fetched on top of, and logs must belong to the chain read.
 *
 * Headers read: the range's last block and the block below it, before and after the logs (two small batches). The
 * headers of blocks carrying logs only when the node does not put `blockTimestamp` in its logs (anvil, reth and
 * geth ≥ 1.16, Erigon and recent Besu do; the block time is then the log's own) — at one event a block those headers were as many requests
 * as there were events. Without them, logs of the last block are still checked against its header, and every log
 * of one block must name one block hash.
 */
import { RetryableError } from "../errors";
import type { Decoder, DecodedEvent, UnknownEvent } from "../chain/decoder";
import type { BlockHeader, RawLog, Rpc } from "../chain/rpc";
import type { TableRows } from "./handlers";

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
  /** Headers read: `to`, and the blocks with logs when their time came from their header. */
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

/** A log with the block timestamp some nodes add. */
type TimedLog = RawLog & { blockTimestamp?: string };

/** Checks that `base` is still canonical; throws {@link ReorgDetectedError} otherwise. Returns the header of `to`. */
async function readEnds(rpc: Rpc, base: RangeBase | undefined, to: number): Promise<BlockHeader> {
  const nums = base ? [base.blockNumber, to] : [to];
  const hs = await rpc.eth_getBlocksOrNull(nums);
  if (base?.blockHash !== undefined && hs[0]?.hash !== base.blockHash) {
    throw new ReorgDetectedError(base.blockNumber, base.blockHash, hs[0]?.hash ?? "(missing)");
  }
  const last = hs[hs.length - 1];
  if (!last) throw new RangeChangedError(`block ${to} disappeared`);
  return last;
}

/**
 * Reads logs of `addresses` in [from, to] and the headers they need, decoded, after checking `base`.
 * Throws LogRangeTooLargeError (shrink and retry), ReorgDetectedError or RangeChangedError.
 */
export async function fetchRange(
  rpc: Rpc,
  decoder: Decoder,
  addresses: readonly string[],
  addressSet: ReadonlySet<string>,
  base: RangeBase | undefined,
  from: number,
  to: number,
): Promise<FetchedRange> {
  const before = await readEnds(rpc, base, to);
  const raw = (await rpc.eth_getLogs(addresses, from, to)) as TimedLog[];
  const logs: TimedLog[] = [];
  const blockTimes = new Map<number, number>();
  const blockHashes = new Map<number, string>();
  let timed = true;
  for (const l of raw) {
    if (l.removed || !addressSet.has(l.address.toLowerCase())) continue;
    logs.push(l);
    const n = parseInt(l.blockNumber, 16);
    const hash = l.blockHash.toLowerCase();
    const seen = blockHashes.get(n);
    if (seen === undefined) blockHashes.set(n, hash);
    else if (seen !== hash) throw new RangeChangedError(`block ${n} has logs of two block hashes in ${from}-${to}`);
    // "0x0": a node that fills the field without knowing the time (seen in the wild): read the header instead
    const t = timed && typeof l.blockTimestamp === "string" ? parseInt(l.blockTimestamp, 16) : 0;
    if (t > 0) blockTimes.set(n, t);
    else timed = false;
  }
  // Headers after the logs: the range's ends again, and the blocks with logs when their time is not in the logs.
  const nums: number[] = [];
  if (!timed) {
    blockTimes.clear();
    for (const n of blockHashes.keys()) if (n !== to) nums.push(n);
  }
  nums.push(to);
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
  for (const [n, hash] of blockHashes) {
    const h = headers.get(n);
    if (h && h.hash !== hash) throw new RangeChangedError(`logs of block ${n} are not in the canonical block`);
    if (!timed) blockTimes.set(n, h!.timestamp);
  }
  blockTimes.set(to, toHeader.timestamp);
  const events: (DecodedEvent | UnknownEvent)[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) events[i] = decoder.decode(logs[i]);
  events.sort((a, b) => a.meta.blockNumber - b.meta.blockNumber || a.meta.logIndex - b.meta.logIndex);
  return { from, to, toHeader, below, headers, blockTimes, events, logCount: logs.length };
}
