/**
 * The API's view of its dependencies. The API only reads: it needs the store's query surface, a snapshot of the
 * indexer's progress, a logger and a metrics registry. These are structural types, so the store's `Db` and the
 * indexer's status object fit them without the API importing their implementations.
 */
import type { Registry } from "prom-client";

/** SQL parameter values the API passes (never undefined). */
export type SqlValue = string | number | bigint | null;

/** The read half of the store's `Db` (docs/architecture.md, "Store rules"): `?` placeholders, both dialects. */
export interface ReadDb {
  /** `sqlite` or `postgres`; the API writes portable SQL and only looks at this for the rare difference. */
  readonly dialect: "sqlite" | "postgres";
  /** All rows of a query. */
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
}

/** Progress of the indexer on one chain. */
export interface ChainStatus {
  /** EIP-155 chain id. */
  chainId: number;
  /** Highest block whose logs are all in the store. */
  indexedBlock: number;
  /** Latest block the RPC reported, or null before the first poll. */
  chainHead: number | null;
  /** A block is final once it is this many blocks below the chain head. */
  confirmations: number;
  /** chainHead - confirmations as the indexer computed it (rows at or below it are final), when it reports it. */
  finalizedBlock?: number | null;
  /** Timestamp of `indexedBlock`, when known. */
  indexedBlockTime?: number | null;
  /** When `indexedBlock` last advanced (ms since epoch), or null if never. */
  lastProgressAt: number | null;
  /** Recent indexing rate in events per second. */
  eventsPerSecond: number;
  /**
   * What the indexer is doing (service/src/indexer/types.ts): `failed` has given up, `retrying` is failing and
   * backing off (the RPC may be unreachable). Optional: an indexer that does not report it is judged on progress only.
   */
  state?: "starting" | "backfill" | "live" | "retrying" | "failed" | "stopped" | (string & {});
  /** The last error while not making progress, or null. */
  lastError?: string | null;
  /** When the chain head was last read successfully (ms since epoch), when the indexer reports it. */
  headCheckedAt?: number | null;
  /** When `state` last changed (ms since epoch), when the indexer reports it. */
  stateSince?: number | null;
  /** A condition that makes the chain unhealthy at once (unverifiable logs, a node behind, the database down), or null. */
  problem?: string | null;
}

/** What the indexer tells the API about its progress, per chain. */
export interface IndexerStatus {
  chains: ChainStatus[];
  /**
   * The store's first backfill is under way: its secondary indexes are missing until every chain has reached its
   * head and they are built (store/backfill-indexes.ts), so the store answers, slowly, but does not serve yet.
   * Optional: an indexer that does not report it is judged on its chains only.
   */
  firstBackfill?: boolean;
}

/** Minimal logger (pino's `Logger` fits). */
export interface ApiLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Optional content-addressed store (H5): used to serve asset metadata documents by CID. */
export interface ApiContentStore {
  /** The bytes stored under `cid` (undefined or a rejection when unavailable). */
  get(cid: string): Promise<Uint8Array | undefined>;
}

/** Limits for /health. */
export interface HealthOptions {
  /** 503 when any chain lags more than this many blocks (default 50). */
  maxLagBlocks?: number;
  /**
   * The stall window (ms, default 60 000): 503 when a chain that is behind has not advanced for this long, has been
   * `retrying` for this long, or (when the indexer reports `headCheckedAt`) its head has not been read for this long.
   */
  stallAfterMs?: number;
}

/** Arguments of {@link createApi}. */
export interface CreateApiParameters {
  /** The store, read only. */
  db: ReadDb;
  /** Current indexer progress; called per request, must be cheap. */
  indexerStatus: () => IndexerStatus;
  /** Request and error logging. */
  logger: ApiLogger;
  /** Registry for the API's metrics; a fresh one when omitted. */
  metrics?: Registry;
  /** Content store for metadata documents. */
  contentStore?: ApiContentStore;
  /** /health thresholds. */
  health?: HealthOptions;
  /** Evidence tree cache bound, in leaves (default 2 000 000). */
  evidenceCacheLeaves?: number;
  /** Clock, for tests (ms since epoch). */
  now?: () => number;
  /** Origins allowed to call the API from a browser (CORS): `*` (the default), a list, or [] for none. */
  corsOrigins?: "*" | readonly string[];
  /** What GET /v1/config tells browsers about each chain: a JSON-RPC URL they may use and the contract addresses. */
  publicChains?: readonly PublicChain[];
  /** Base URL of the public page, for certificate links and QR codes (default http://127.0.0.1:3000). */
  publicUrl?: string;
  /** Server-side time limit of a request in ms (503 `timeout` after it); default 10 000. */
  requestTimeLimitMs?: number;
  /** Directory of the built web page, served at / with deep links falling back to its index.html. */
  webRoot?: string;
}

/** A chain as the web page is told about it. */
export interface PublicChain {
  chainId: number;
  /** JSON-RPC URL a browser may read the chain from; null when none is public. */
  rpcUrl: string | null;
  contracts: readonly { name: string; address: string }[];
}
