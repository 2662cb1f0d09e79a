/**
 * The JSON-RPC methods the indexer uses, named after the method, on top of a {@link Transport}, with retries.
 * Logs come back raw (hex strings): decoding happens in `decoder.ts`, not in a provider library.
 */
import { LogRangeTooLargeError, RetryableError, RpcResponseError } from "../errors";
import { withRetry, type RetryOptions } from "./retry";
import { scanHeaders, type BlockHeader } from "./header-scan";
import type { RpcCall, Transport } from "./transport";

/** A log as eth_getLogs returns it. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  removed?: boolean;
  /** The block's time, where the node adds it (anvil, reth, geth ≥ 1.16); not part of the standard answer. */
  blockTimestamp?: string;
}

export type { BlockHeader };

/** Typed JSON-RPC client. */
export interface Rpc {
  /** The transport underneath (for tests and extra calls). */
  readonly transport: Transport;
  eth_chainId(): Promise<number>;
  eth_blockNumber(): Promise<number>;
  /** Logs of `addresses` in [fromBlock, toBlock]; throws {@link LogRangeTooLargeError} when the node refuses the size. */
  eth_getLogs(addresses: readonly string[], fromBlock: number, toBlock: number): Promise<RawLog[]>;
  /** Headers of `numbers` in one batch, in the same order. Throws RetryableError if a block is missing. */
  eth_getBlocksByNumber(numbers: readonly number[]): Promise<BlockHeader[]>;
  /** Like eth_getBlocksByNumber, with null for blocks the node does not have (above its head after a reorg). */
  eth_getBlocksOrNull(numbers: readonly number[]): Promise<(BlockHeader | null)[]>;
}

const hex = (n: number): string => "0x" + n.toString(16);

/** Messages nodes use when a log query is too large (geth, erigon, Alchemy, Infura, QuickNode, Besu …). */
const TOO_LARGE =
  /(too many|more than \d+|query returned more|response size|limit exceeded|exceed|block range|range is too|too large|max results|timeout|timed out|log response)/i;

/** True when `e` is a node's refusal of a too-large log query. */
function isTooLargeLogError(e: unknown): boolean {
  if (e instanceof LogRangeTooLargeError) return true;
  if (e instanceof RpcResponseError) {
    return e.code === 413 || e.code === -32005 || TOO_LARGE.test(e.message);
  }
  return false;
}

interface RawHeader {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  logsBloom?: string;
}

/** Creates the typed client. `retry` applies to every call except oversized log queries (those shrink instead). */
export function createRpc(transport: Transport, retry: RetryOptions = {}): Rpc {
  const shouldRetry = (e: unknown): boolean =>
    !isTooLargeLogError(e) && (e instanceof RetryableError || (e instanceof RpcResponseError && isTransientRpc(e)));
  const r = <T>(fn: () => Promise<T>): Promise<T> => withRetry(fn, { ...retry, shouldRetry });

  const getHeaders = async (numbers: readonly number[]): Promise<(BlockHeader | null)[]> => {
    if (numbers.length === 0) return [];
    const calls: RpcCall[] = numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [hex(n), false] }));
    // Over HTTP the five fields kept are read from the answer's bytes (chain/header-scan.ts); else parsed JSON.
    const res = (transport.batchScanned ? await transport.batchScanned(calls, scanHeaders) : await transport.batch(calls)) as (
      | BlockHeader
      | RawHeader
      | null
    )[];
    return res.map((b) =>
      b === null || b === undefined
        ? null
        : isScanned(b)
          ? b
          : {
            number: Number(b.number),
            hash: b.hash.toLowerCase(),
            parentHash: b.parentHash.toLowerCase(),
            timestamp: Number(b.timestamp),
            logsBloom: b.logsBloom ?? "",
          },
    );
  };

  return {
    transport,
    eth_chainId: () => r(async () => Number(await transport.request<string>("eth_chainId", []))),
    eth_blockNumber: () => r(async () => Number(await transport.request<string>("eth_blockNumber", []))),
    eth_getLogs: (addresses, fromBlock, toBlock) =>
      r(async () => {
        try {
          return await transport.request<RawLog[]>("eth_getLogs", [
            { address: [...addresses], fromBlock: hex(fromBlock), toBlock: hex(toBlock) },
          ]);
        } catch (e) {
          if (isTooLargeLogError(e)) {
            throw new LogRangeTooLargeError(`eth_getLogs ${fromBlock}-${toBlock} refused as too large`, { cause: e });
          }
          throw e;
        }
      }),
    eth_getBlocksByNumber: (numbers) =>
      r(async () =>
        (await getHeaders(numbers)).map((h, i) => {
          if (!h) throw new RetryableError(`block ${numbers[i]} not available yet`);
          return h;
        }),
      ),
    eth_getBlocksOrNull: (numbers) => r(() => getHeaders(numbers)),
  };
}

const isScanned = (b: BlockHeader | RawHeader): b is BlockHeader => typeof b.number === "number";

/** JSON-RPC errors worth retrying: rate limits, node busy, header not found yet, internal errors. */
function isTransientRpc(e: RpcResponseError): boolean {
  return (
    e.code === 429 ||
    e.code === -32603 ||
    e.code === -32000 && /header not found|busy|try again|unavailable/i.test(e.message) ||
    /rate limit|too many requests|temporarily/i.test(e.message)
  );
}
