/**
 * An eth_getLogs answer is never taken on trust: each block of a fetched range whose header's `logsBloom` says a
 * followed address may have logged, but for which the answer holds no log, is a suspect. Its receipts (what the
 * block commits to through `receiptsRoot`) settle it: a suspect whose receipts hold a followed contract's log means
 * the answer was empty or short (the range is refetched, then refused loudly); one whose receipts hold none was a
 * bloom false positive. A range is written only once every block in it is accounted for.
 */
import { getBytes, keccak256 } from "ethers";
import { LogRangeTooLargeError, RetryableError, RpcResponseError } from "../errors";
import type { BlockHeader, RawLog, Rpc } from "../chain/rpc";

/** The chain changed while the range was being read; read it again. */
export class RangeChangedError extends RetryableError {}

/** An eth_getLogs answer for a range missed logs its blocks' receipts hold (the node answered empty or short). */
export class IncompleteLogsError extends RetryableError {
  constructor(
    readonly from: number,
    readonly to: number,
    /** Blocks whose receipts hold followed logs the answer lacked. */
    readonly blocks: readonly number[],
  ) {
    super(
      `eth_getLogs ${from}-${to} answered without logs that the receipts of block${blocks.length > 1 ? "s" : ""} ` +
        `${blocks.slice(0, 5).join(", ")}${blocks.length > 5 ? ` (and ${blocks.length - 5} more)` : ""} hold: the node answered empty or short`,
    );
  }
}

/** The three bit positions an item sets in a 2048-bit Ethereum bloom (yellow paper, M3:2048). */
function bloomBits(item: Uint8Array): [number, number][] {
  const h = getBytes(keccak256(item));
  const out: [number, number][] = [];
  for (let i = 0; i < 6; i += 2) {
    const v = ((h[i] << 8) | h[i + 1]) & 2047;
    out.push([255 - (v >> 3), 1 << (v & 7)]); // [byte index in the 256-byte bloom, bit mask]
  }
  return out;
}

/** A compiled bloom query for a set of addresses: does a header's bloom say one of them may have logged? */
export interface AddressBloom {
  mayContain(logsBloom: string): boolean;
}

/** Compiles the bloom positions of `addresses` once. */
export function addressBloom(addresses: readonly string[]): AddressBloom {
  const positions = addresses.map((a) => bloomBits(getBytes(a)));
  return {
    mayContain(logsBloom) {
      if (!/^0x[0-9a-fA-F]{512}$/.test(logsBloom)) return true; // no usable bloom: every block is a suspect
      return positions.some((bits) =>
        bits.every(([byte, mask]) => (parseInt(logsBloom.slice(2 + byte * 2, 4 + byte * 2), 16) & mask) !== 0),
      );
    },
  };
}

/** Blocks of [from, to] whose bloom matches `bloom` but that hold no log of `logs`. */
function suspectBlocks(from: number, to: number, headers: ReadonlyMap<number, BlockHeader>, logs: readonly RawLog[], bloom: AddressBloom): number[] {
  const withLogs = new Set<number>();
  for (const l of logs) withLogs.add(parseInt(l.blockNumber, 16));
  const out: number[] = [];
  for (let n = from; n <= to; n++) {
    if (withLogs.has(n)) continue;
    const h = headers.get(n);
    if (!h || bloom.mayContain(h.logsBloom)) out.push(n);
  }
  return out;
}

interface Receipt {
  blockHash?: string;
  logs?: { address: string }[];
}

/** Receipts of block `n`: eth_getBlockReceipts, or per transaction where the node lacks it. */
async function blockReceipts(rpc: Rpc, n: number): Promise<Receipt[]> {
  const hex = "0x" + n.toString(16);
  try {
    const r = await rpc.transport.request<Receipt[] | null>("eth_getBlockReceipts", [hex]);
    if (r) return r;
  } catch (e) {
    if (!(e instanceof RpcResponseError)) throw e; // transport faults: the caller retries the range
  }
  const block = await rpc.transport.request<{ transactions: string[] } | null>("eth_getBlockByNumber", [hex, false]);
  if (!block) throw new RetryableError(`block ${n} not available while checking its receipts`);
  if (block.transactions.length === 0) return [];
  return (await rpc.transport.batch(block.transactions.map((t) => ({ method: "eth_getTransactionReceipt", params: [t] })))) as Receipt[];
}

/** Suspect blocks whose receipts are read per range; a range with more is refused as too large (the caller shrinks it). */
const MAX_RECEIPT_CHECKS = 64;

/**
 * Accounts for every block of [from, to]: throws {@link IncompleteLogsError} when a suspect block's receipts hold a
 * log of `addresses`, or LogRangeTooLargeError when there are more suspects than {@link MAX_RECEIPT_CHECKS}.
 * `headers` must hold every block of the range.
 */
export async function verifyRange(
  rpc: Rpc,
  addresses: ReadonlySet<string>,
  bloom: AddressBloom,
  from: number,
  to: number,
  headers: ReadonlyMap<number, BlockHeader>,
  logs: readonly RawLog[],
): Promise<void> {
  const suspects = suspectBlocks(from, to, headers, logs, bloom);
  if (suspects.length === 0) return;
  if (suspects.length > MAX_RECEIPT_CHECKS) {
    throw new LogRangeTooLargeError(`eth_getLogs ${from}-${to}: ${suspects.length} blocks whose bloom names a followed contract came back without logs; verifying a smaller range`);
  }
  const missing: number[] = [];
  for (const n of suspects) {
    const receipts = await blockReceipts(rpc, n);
    // the receipts must be those of the header whose bloom made the block a suspect (read by number, maybe later)
    const hash = headers.get(n)?.hash;
    if (hash && receipts.some((r) => r?.blockHash !== undefined && r.blockHash.toLowerCase() !== hash)) {
      throw new RangeChangedError(`block ${n} changed while its receipts were read`);
    }
    if (receipts.some((r) => r?.logs?.some((l) => addresses.has(l.address.toLowerCase())))) missing.push(n);
  }
  if (missing.length > 0) throw new IncompleteLogsError(from, to, missing);
}
