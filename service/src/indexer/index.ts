/**
 * The indexer: one {@link ChainSync} per chain over one store, plus evidence and receipt manifest verification.
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
import { deferIndexesIfEmpty } from "../store/backfill-indexes";
import type { Db } from "../store/db";
import { createIndexStore, type IndexStore } from "../store/index-store";
import { createChainSync, type ChainSync } from "./chain-sync";
import { createWorkerFetch, type WorkerFetch } from "./fetch-worker";
import { HANDLED_EVENTS } from "./handlers";
import { createManifestVerifier, type ManifestPassResult } from "./manifests";
import { createReceiptVerifier } from "./receipt-manifests";
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
  /**
   * On a store without indexed rows, leave the secondary indexes the writer does not read out until every chain has
   * reached its head, then build them (store/backfill-indexes.ts). Default true.
   */
  deferIndexes?: boolean;
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
  const workers: WorkerFetch[] = [];
  // deferred indexes (store/backfill-indexes.ts): built once every chain has reached its head
  let indexesPending = false;
  const caughtUp = new Set<number>();
  let building: Promise<void> | undefined;
  const onCaughtUp = async (chainId: number): Promise<void> => {
    if (!indexesPending) return;
    caughtUp.add(chainId);
    if (caughtUp.size < syncs.length) return;
    building ??= (async () => {
      const t0 = performance.now();
      const n = await store.finishDeferredBackfill();
      indexesPending = false;
      common.logger.info({ indexes: n, seconds: Number(((performance.now() - t0) / 1000).toFixed(2)) }, "backfill reached the head: deferred indexes built");
    })().finally(() => (building = undefined));
    await building;
  };
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
    let worker: WorkerFetch | undefined;
    if (c.rpcUrl && !c.transport && !c.provider && c.fetchInWorker === true) {
      const { retries, baseDelayMs, maxDelayMs } = p.rpcRetry ?? {};
      worker = createWorkerFetch(
        { chainId: c.chainId, rpcUrl: c.rpcUrl, addresses: c.contracts.map((x) => x.address), retry: { retries, baseDelayMs, maxDelayMs } },
        (logs) => {
          for (const l of logs) common.logger.warn({ chainId: c.chainId, block: l.blockNumber, logIndex: l.logIndex, error: l.error }, "malformed log kept raw");
        },
      );
      workers.push(worker);
      await worker.ready();
    }
    sync = createChainSync(common, { chain: c, rpc, decoder, store, fetch: worker?.fetch, onCaughtUp: () => onCaughtUp(c.chainId) });
    syncs.push(sync);
  }
  for (const s of syncs) await s.init();
  if (await deferIndexesIfEmpty(p.db, { recordNew: p.deferIndexes !== false })) {
    indexesPending = true;
    store.startDeferredBackfill();
    common.logger.info("first backfill: secondary indexes the writer does not read are left out of each table from its first rows, and built once every chain reaches its head");
  }
  const verifier = p.content
    ? createManifestVerifier(common, { store, content: p.content, retryBaseMs: p.manifestRetryBaseMs })
    : undefined;
  const receiptVerifier = p.content
    ? createReceiptVerifier(common, { db: p.db, content: p.content, retryBaseMs: p.manifestRetryBaseMs })
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
      if (receiptVerifier) {
        const q = await receiptVerifier.runOnce(s.chainId);
        total.valid += q.valid;
        total.mismatch += q.mismatch;
        total.unavailable += q.unavailable;
      }
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
      for (const w of workers) await w.close();
      while (manifestBusy) await new Promise((r) => setTimeout(r, 10));
    },
    async catchUp() {
      for (const s of syncs) await s.catchUp();
      await verifyManifests();
    },
    verifyManifests,
    status() {
      return { chains: syncs.map((s) => s.status()), firstBackfill: indexesPending };
    },
  };
}
