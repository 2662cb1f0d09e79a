/**
 * The indexer: one {@link ChainSync} per chain over one store, plus evidence manifest verification.
 *
 * @example
 * const indexer = await createIndexer({ logger }, { db, chains: [{ chainId: 31337, provider: hre.network.provider, contracts }] });
 * await indexer.catchUp();          // tests: index up to the current head
 * indexer.start();                  // service: backfill then follow; indexer.status() for /health
 */
import { createDecoder } from "../chain/decoder";
import { createRpc, type Rpc } from "../chain/rpc";
import type { RetryOptions } from "../chain/retry";
import { createEip1193Transport, createHttpTransport, type Transport } from "../chain/transport";
import { ConfigError } from "../errors";
import type { Db } from "../store/db";
import { createIndexStore, type IndexStore } from "../store/index-store";
import { createChainSync, type ChainSync } from "./chain-sync";
import { HANDLED_EVENTS } from "./handlers";
import { createManifestVerifier, type ManifestPassResult } from "./manifests";
import type { ChainParams, Common, IndexerStatus, ManifestSource } from "./types";

export type { ChainParams, Common, FollowedContract, IndexerStatus, ManifestSource } from "./types";

/** Parameters of {@link createIndexer}. */
export interface CreateIndexerParameters {
  /** A migrated database. */
  db: Db;
  chains: ChainParams[];
  /** Where evidence manifests are fetched from; without it batches stay `pending`. */
  content?: ManifestSource;
  /** Live polling interval. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Manifest pass interval while running. Default 2000 ms. */
  manifestIntervalMs?: number;
  /** First retry delay for unavailable manifests. Default 5 s. */
  manifestRetryBaseMs?: number;
  /** RPC retry policy for transient faults. Default 5 retries from 200 ms, doubling, capped at 10 s. */
  rpcRetry?: RetryOptions;
}

/** The running indexer. */
export interface Indexer {
  readonly store: IndexStore;
  /** Starts following every chain in the background (returns at once). */
  start(): void;
  /** Stops and waits for the loops to finish their current step. */
  stop(): Promise<void>;
  /** Indexes every chain up to its current head, then verifies pending manifests once. */
  catchUp(): Promise<void>;
  /** Verifies pending manifests of every chain once. */
  verifyManifests(): Promise<ManifestPassResult>;
  /** Progress per chain (cheap; for /health and /metrics). */
  status(): IndexerStatus;
}

function transportOf(c: ChainParams): Transport {
  if (c.transport) return c.transport;
  if (c.provider) return createEip1193Transport(c.provider);
  if (c.rpcUrl) return createHttpTransport(c.rpcUrl);
  throw new ConfigError(`chain ${c.chainId}: give rpcUrl, provider or transport`);
}

/** Creates the indexer; call `init`-free: the first `start()`/`catchUp()` initialises each chain. */
export async function createIndexer(common: Common, p: CreateIndexerParameters): Promise<Indexer> {
  const store = createIndexStore(p.db);
  const decoder = createDecoder(HANDLED_EVENTS);
  const ids = new Set<number>();
  const syncs: ChainSync[] = [];
  for (const c of p.chains) {
    if (ids.has(c.chainId)) throw new ConfigError(`chain ${c.chainId} configured twice: list every deployment of a chain in one entry`);
    ids.add(c.chainId);
    if (c.contracts.length === 0) throw new ConfigError(`chain ${c.chainId}: no contracts to follow`);
    let sync: ChainSync | undefined;
    const rpc: Rpc = createRpc(transportOf(c), {
      ...p.rpcRetry,
      onRetry: (e, attempt, delayMs) => {
        common.logger.warn({ chainId: c.chainId, err: (e as Error).message, attempt, delayMs }, "RPC fault; retrying");
        sync?.noteFault((e as Error).message);
      },
    });
    sync = createChainSync(common, { chain: c, rpc, decoder, store });
    syncs.push(sync);
  }
  for (const s of syncs) await s.init();
  const verifier = p.content
    ? createManifestVerifier(common, { store, content: p.content, retryBaseMs: p.manifestRetryBaseMs })
    : undefined;

  let runs: Promise<void>[] = [];
  let manifestTimer: NodeJS.Timeout | undefined;
  let manifestBusy = false;

  const verifyManifests = async (): Promise<ManifestPassResult> => {
    const total: ManifestPassResult = { valid: 0, mismatch: 0, unavailable: 0 };
    if (!verifier) return total;
    for (const s of syncs) {
      const r = await verifier.runOnce(s.chainId);
      total.valid += r.valid;
      total.mismatch += r.mismatch;
      total.unavailable += r.unavailable;
    }
    return total;
  };

  return {
    store,
    start() {
      if (runs.length) return;
      runs = syncs.map((s) => s.run(p.pollIntervalMs ?? 1000));
      if (verifier) {
        manifestTimer = setInterval(() => {
          if (manifestBusy) return;
          manifestBusy = true;
          verifyManifests()
            .catch((e) => common.logger.warn({ err: e }, "manifest pass failed"))
            .finally(() => (manifestBusy = false));
        }, p.manifestIntervalMs ?? 2000);
      }
    },
    async stop() {
      if (manifestTimer) clearInterval(manifestTimer);
      for (const s of syncs) s.stop();
      await Promise.all(runs);
      runs = [];
      while (manifestBusy) await new Promise((r) => setTimeout(r, 10));
    },
    async catchUp() {
      for (const s of syncs) await s.catchUp();
      await verifyManifests();
    },
    verifyManifests,
    status() {
      return { chains: syncs.map((s) => s.status()) };
    },
  };
}
