/**
 * An in-memory chain behind a JSON-RPC {@link Transport}, for indexer tests that need full control: logs built with
 * the interfaces' ABIs (ethers `Interface.encodeEventLog`), reorgs by replacing blocks, and injected faults.
 */
import { Interface, getBytes, id, keccak256, type InterfaceAbi } from "ethers";
import { CONTRACT_ABIS, type ContractName } from "../../service/src/contracts";
import type { RawLog } from "../../service/src/chain/rpc";
import type { RpcCall, Transport } from "../../service/src/chain/transport";

/** A log to put in a block (before it gets its position). */
export interface LogSpec {
  address: string;
  topics: string[];
  data: string;
}

interface Block {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  logs: LogSpec[];
  txHashes: string[];
}

const ifaces = new Map<ContractName, Interface>();
/** Encodes an event of a Shuquan contract as a log at `address`. */
export function encodeLog(contract: ContractName, address: string, event: string, args: readonly unknown[]): LogSpec {
  let iface = ifaces.get(contract);
  if (!iface) ifaces.set(contract, (iface = new Interface(CONTRACT_ABIS[contract] as InterfaceAbi)));
  const frag = iface.getEvent(event);
  if (!frag) throw new Error(`no event ${event} in ${contract}`);
  const { data, topics } = iface.encodeEventLog(frag, args);
  return { address, topics, data };
}

/** The logs bloom of a block (yellow paper, M3:2048): three bits per address and topic. */
export function logsBloomOf(logs: readonly LogSpec[]): string {
  const bloom = new Uint8Array(256);
  const add = (item: string): void => {
    const h = getBytes(keccak256(item));
    for (let i = 0; i < 6; i += 2) {
      const bit = ((h[i] << 8) + h[i + 1]) % 2048;
      bloom[255 - Math.floor(bit / 8)] |= 1 << bit % 8;
    }
  };
  for (const l of logs) {
    add(l.address);
    for (const t of l.topics) add(t);
  }
  return "0x" + Buffer.from(bloom).toString("hex");
}

/** The fake chain. */
export interface FakeChain {
  readonly transport: Transport;
  readonly chainId: number;
  /** Appends a block with these logs (one tx per log unless `sameTx`). Returns its number. */
  mine(logs?: LogSpec[], sameTx?: boolean): number;
  /** Appends `n` empty blocks. */
  mineEmpty(n: number): void;
  /** Drops every block above `n` (the next mined blocks form a new branch with different hashes). */
  reorgTo(n: number): void;
  head(): number;
  hashOf(n: number): string;
  /** Calls to each method so far. */
  calls: Record<string, number>;
  /** Hook run before each call: throw to inject a fault. */
  beforeCall?: (method: string, params: readonly unknown[]) => void;
  /** Hook run on each result: return another to inject a lie (an empty eth_getLogs answer, a node behind …). */
  afterCall?: (method: string, params: readonly unknown[], result: unknown) => unknown;
  /** Blocks the node answers for: the head it reports is at most this (a lagging node). Unset: all. */
  visibleHead?: number;
  /** eth_getLogs refuses ranges returning more than this many logs. */
  maxLogs?: number;
  /** Logs carry `blockTimestamp` (as anvil, reth and geth ≥ 1.16 put it). Default false (as Hardhat). */
  logTimestamps?: boolean;
}

/** Creates a fake chain with a genesis block 0. */
export function createFakeChain(chainId = 31337): FakeChain {
  let branch = 0;
  const blocks: Block[] = [];
  const mk = (logs: LogSpec[], sameTx: boolean): Block => {
    const number = blocks.length;
    const parent = blocks[number - 1];
    const hash = id(`block:${number}:${branch}:${Math.random()}`);
    const txHashes = logs.map((_, i) => id(`tx:${number}:${branch}:${sameTx ? 0 : i}`));
    return { number, hash, parentHash: parent ? parent.hash : "0x" + "0".repeat(64), timestamp: 1_767_225_600 + number * 12, logs, txHashes };
  };
  blocks.push(mk([], false));
  const hex = (n: number): string => "0x" + n.toString(16);
  const header = (b: Block) => ({
    number: hex(b.number),
    hash: b.hash,
    parentHash: b.parentHash,
    timestamp: hex(b.timestamp),
    logsBloom: logsBloomOf(b.logs),
    transactions: [...new Set(b.txHashes)],
  });
  const top = (): number => Math.min(blocks.length - 1, chain.visibleHead ?? Infinity);
  const rawLogs = (b: Block, addrs?: Set<string>): RawLog[] => {
    const out: RawLog[] = [];
    b.logs.forEach((l, i) => {
      if (addrs && !addrs.has(l.address.toLowerCase())) return;
      out.push({
        address: l.address,
        topics: l.topics,
        data: l.data,
        blockNumber: hex(b.number),
        blockHash: b.hash,
        transactionHash: b.txHashes[i],
        logIndex: hex(i),
        ...(chain.logTimestamps ? { blockTimestamp: hex(b.timestamp) } : {}),
      });
    });
    return out;
  };

  const chain: FakeChain = {
    chainId,
    calls: {},
    mine(logs = [], sameTx = false) {
      const b = mk(logs, sameTx);
      blocks.push(b);
      return b.number;
    },
    mineEmpty(n) {
      for (let i = 0; i < n; i++) blocks.push(mk([], false));
    },
    reorgTo(n) {
      blocks.length = n + 1;
      branch++;
    },
    head: () => blocks.length - 1,
    hashOf: (n) => blocks[n].hash,
    transport: undefined as unknown as Transport,
  };

  const handle = (method: string, params: readonly unknown[]): unknown => {
    chain.calls[method] = (chain.calls[method] ?? 0) + 1;
    chain.beforeCall?.(method, params);
    switch (method) {
      case "eth_chainId":
        return hex(chainId);
      case "eth_blockNumber":
        return hex(top());
      case "eth_getBlockByNumber": {
        const n = Number(params[0]);
        return n <= top() && blocks[n] ? header(blocks[n]) : null;
      }
      case "eth_getBlockReceipts": {
        const n = Number(params[0]);
        const b = n <= top() ? blocks[n] : undefined;
        if (!b) return null;
        const logs = rawLogs(b);
        return [...new Set(b.txHashes)].map((tx) => ({ transactionHash: tx, blockHash: b.hash, logs: logs.filter((l) => l.transactionHash === tx) }));
      }
      case "eth_getLogs": {
        const f = params[0] as { address: string[]; fromBlock: string; toBlock: string };
        const addrs = new Set(f.address.map((a) => a.toLowerCase()));
        const out: RawLog[] = [];
        for (let n = Number(f.fromBlock); n <= Math.min(Number(f.toBlock), top()); n++) out.push(...rawLogs(blocks[n], addrs));
        if (chain.maxLogs !== undefined && out.length > chain.maxLogs) {
          const err = new Error(`query returned more than ${chain.maxLogs} results`) as Error & { code: number };
          err.code = -32005;
          throw err;
        }
        return out;
      }
      default:
        throw Object.assign(new Error(`method ${method} not supported`), { code: -32601 });
    }
  };

  const wrap = async <T>(method: string, params: readonly unknown[]): Promise<T> => {
    try {
      const result = handle(method, params);
      return (chain.afterCall ? chain.afterCall(method, params, result) : result) as T;
    } catch (e) {
      const err = e as { code?: number; message: string };
      if (typeof err.code === "number") {
        const { RpcResponseError } = await import("../../service/src/errors");
        throw new RpcResponseError(method, err.code, err.message);
      }
      throw e;
    }
  };
  (chain as { transport: Transport }).transport = {
    request: wrap,
    async batch(calls: readonly RpcCall[]) {
      const out: unknown[] = [];
      for (const c of calls) out.push(await wrap(c.method, c.params));
      return out;
    },
  };
  return chain;
}

/** Records the number of every block whose header `chain` is asked for, from now on (sets `beforeCall`). */
export function recordHeaderReads(chain: FakeChain): number[] {
  const read: number[] = [];
  chain.beforeCall = (method, p) => {
    if (method === "eth_getBlockByNumber") read.push(Number(p[0]));
  };
  return read;
}
