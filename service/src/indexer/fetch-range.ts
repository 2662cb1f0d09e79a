/**
 * Fetches one block range consistently: the range's last block header before and after eth_getLogs must agree,
 * the checkpoint block must still be canonical, every log must belong to the fetched header of its block, and every
 * block whose bloom names a followed contract must be accounted for (`range-check.ts`): an empty or short answer is
 * asked again, then refused.
 */
import { RetryableError } from "../errors";
import type { Decoder, DecodedEvent, UnknownEvent } from "../chain/decoder";
import type { BlockHeader, RawLog, Rpc } from "../chain/rpc";
import { addressBloom, IncompleteLogsError, verifyRange, type AddressBloom } from "./range-check";

/** What the caller knows about the indexed tip. */
export interface TipRef {
  blockNumber: number;
  blockHash: string;
}

/** A fetched range. */
export interface FetchedRange {
  from: number;
  to: number;
  /** The last block of the range. */
  toHeader: BlockHeader;
  /** Headers of blocks with logs, and of `to`. */
  headers: Map<number, BlockHeader>;
  events: (DecodedEvent | UnknownEvent)[];
  logCount: number;
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
 * Checks that `tip` is still canonical; throws {@link ReorgDetectedError} when the node has another block there, or
 * RangeChangedError when it has none (a node behind is not a reorg). Returns the header of `to`.
 */
async function checkTip(rpc: Rpc, tip: TipRef | undefined, to: number): Promise<BlockHeader> {
  const nums = tip ? [tip.blockNumber, to] : [to];
  const hs = await rpc.eth_getBlocksOrNull(nums);
  if (tip && !hs[0]) throw new RangeChangedError(`block ${tip.blockNumber} (the indexed tip) is not on the node (a node behind?)`);
  if (tip && hs[0]!.hash !== tip.blockHash) throw new ReorgDetectedError(tip.blockNumber, tip.blockHash, hs[0]!.hash);
  const last = hs[hs.length - 1];
  if (!last) throw new RangeChangedError(`block ${to} disappeared`);
  return last;
}

/**
 * Reads logs of `addresses` in [from, to] and the headers they need, decoded, after checking `tip`.
 * Throws LogRangeTooLargeError (shrink and retry), ReorgDetectedError or RangeChangedError.
 */
export async function fetchRange(
  rpc: Rpc,
  decoder: Decoder,
  addresses: readonly string[],
  addressSet: ReadonlySet<string>,
  tip: TipRef | undefined,
  from: number,
  to: number,
): Promise<FetchedRange> {
  const before = await checkTip(rpc, tip, to);
  let raw: RawLog[] = await rpc.eth_getLogs(addresses, from, to);
  const nums: number[] = [];
  for (let n = from; n <= to; n++) nums.push(n);
  if (tip) nums.push(tip.blockNumber);
  const hs = await rpc.eth_getBlocksOrNull(nums);
  const headers = new Map<number, BlockHeader>();
  hs.forEach((h, i) => {
    if (!h) throw new RangeChangedError(`block ${nums[i]} disappeared while reading ${from}-${to}`);
    headers.set(h.number, h);
  });
  const toHeader = headers.get(to)!;
  if (toHeader.hash !== before.hash) throw new RangeChangedError(`block ${to} changed while reading ${from}-${to}`);
  if (tip && headers.get(tip.blockNumber)!.hash !== tip.blockHash) {
    throw new ReorgDetectedError(tip.blockNumber, tip.blockHash, headers.get(tip.blockNumber)!.hash);
  }
  let logs: RawLog[];
  for (let attempt = 0; ; attempt++) {
    logs = raw.filter((l) => !l.removed && addressSet.has(l.address.toLowerCase()));
    try {
      await verifyRange(rpc, addressSet, bloomOf(addresses), from, to, headers, logs);
      break;
    } catch (e) {
      if (!(e instanceof IncompleteLogsError) || attempt >= REFETCHES) throw e;
      raw = await rpc.eth_getLogs(addresses, from, to);
    }
  }
  const events: (DecodedEvent | UnknownEvent)[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) {
    const ev = decoder.decode(logs[i]);
    const h = headers.get(ev.meta.blockNumber);
    if (!h || h.hash !== ev.meta.blockHash) {
      throw new RangeChangedError(`log ${ev.meta.blockNumber}/${ev.meta.logIndex} is not in the canonical block`);
    }
    events[i] = ev;
  }
  events.sort((a, b) => a.meta.blockNumber - b.meta.blockNumber || a.meta.logIndex - b.meta.logIndex);
  return { from, to, toHeader, headers, events, logCount: logs.length };
}
