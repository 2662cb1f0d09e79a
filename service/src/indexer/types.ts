/** Types shared by the indexer's modules and its users (the API reads {@link IndexerStatus}). */
import type { Logger } from "../logger";
import type { ContractName } from "../contracts";
import type { Eip1193Provider, Transport } from "../chain/transport";

/** The dependency bag passed to every factory. */
export interface Common {
  logger: Logger;
}

/** A followed contract. */
export interface FollowedContract {
  name: ContractName;
  address: string;
  /** First block to read (its deployment block). */
  startBlock: number;
}

/** One chain to follow. */
export interface ChainParams {
  /** Expected EIP-155 chain id; checked against eth_chainId at start. */
  chainId: number;
  /** How to reach the node: a URL (HTTP JSON-RPC), an EIP-1193 provider, or a ready transport. */
  rpcUrl?: string;
  provider?: Eip1193Provider;
  transport?: Transport;
  /** Contracts to follow (one or several deployments). Logs of other addresses are never accepted. */
  contracts: FollowedContract[];
  /** Blocks below head − confirmations are final. Default 0 on chain 31337, else 12. */
  confirmations?: number;
  /**
   * The first eth_getLogs range, in blocks. Default: a one-block probe of the chain's density, then ranges sized from
   * it (adaptive-range.ts); a fixed size is a guess, and on a dense chain a large one is an answer of that many
   * blocks' logs (or a refusal) before the next range can be asked for.
   */
  initialRange?: number;
  /**
   * Largest range in blocks. Default 10 000: the header of every block without logs is read with a range (the
   * logsBloom check), so this bounds the headers held per range in flight (a quiet contract would otherwise grow
   * ranges to 100 000 blocks).
   */
  maxRange?: number;
  targetLogsPerRange?: number;
  /**
   * Ranges fetched at once during a backfill (each on top of the one before). Default 3: against 4, no slower in
   * alternated runs at 1, 250 and 1,000 events a block, and a fetched range fewer waiting for the writer (at 300,000
   * events, SQLite's peak RSS 255–283 MB in eleven runs against 272–322 in twelve).
   */
  rangesInFlight?: number;
  /**
   * Logs of consecutive fetched ranges committed in one transaction at most. Default 10 000: at 300,000 events
   * 20,000 was no faster and held ~20 MB more at the peak on PostgreSQL, whose writes leave fetched ranges waiting.
   */
  maxLogsPerCommit?: number;
  /**
   * With `rpcUrl`: read, decode and map ranges in a worker thread, leaving the writes to the main thread
   * (fetch-worker.ts). Default false: on the shared 2-core benchmark machine it moved ~60 % of the main thread's CPU
   * off it but was no faster within the noise, for ~25 MB more RSS (docs/indexer.md).
   */
  fetchInWorker?: boolean;
  /** Headers kept for reorg detection, in blocks below the head. Default max(128, 2 × confirmations + 16). */
  keepBlocks?: number;
}

/** Progress of one chain (a superset of the API's ChainStatus). */
export interface ChainStatus {
  chainId: number;
  /** Highest block whose logs are all in the store (startBlock − 1 before any). */
  indexedBlock: number;
  /** Timestamp of `indexedBlock`, or null before the first range. */
  indexedBlockTime: number | null;
  /** Latest block the RPC reported, or null before the first poll. */
  chainHead: number | null;
  /** chainHead − indexedBlock (0 when unknown). */
  lag: number;
  confirmations: number;
  /** head − confirmations: rows at or below it are final. */
  finalizedBlock: number | null;
  /** When `indexedBlock` last advanced (ms since epoch), or null. */
  lastProgressAt: number | null;
  /** Events written per second over the last ~10 s. */
  eventsPerSecond: number;
  /** Events written since the process started. */
  eventsIndexed: number;
  /** Current getLogs range size in blocks. */
  rangeSize: number;
  state: "starting" | "backfill" | "live" | "retrying" | "failed" | "stopped";
  /** When `state` last changed (ms since epoch). */
  stateSince: number;
  /** When the chain head was last read successfully (ms since epoch), or null before the first read. */
  headCheckedAt: number | null;
  /** The last error while not making progress, or null. */
  lastError: string | null;
  /** Reorgs handled since start. */
  reorgs: number;
  /**
   * A condition /health reports at once, or null: an eth_getLogs answer that the blocks' blooms and receipts refute,
   * a node behind the indexed block (waiting for it), the database unavailable.
   */
  problem: string | null;
}

/** Progress of every chain. */
export interface IndexerStatus {
  chains: ChainStatus[];
  /**
   * The store's first backfill is under way: its secondary indexes are left out until every chain has reached its
   * head and they are built (store/backfill-indexes.ts). /health answers 503 meanwhile.
   */
  firstBackfill: boolean;
}

/** Minimal content store (H5's ContentStore fits): bytes by CID, verified against it. */
export interface ManifestSource {
  get(cid: string): Promise<Uint8Array | undefined>;
}
