/**
 * What an API process beside the indexer sees (ROLE=api): the indexer's progress as the database holds it
 * (`checkpoints`), and the chain head as this process reads it from the node. So its /health answers for what it
 * serves: when the indexer stops, the index stops advancing while the chain moves on, and /health reports the lag
 * and the stall; when the database is unreachable, it says so; while the store's first backfill is under way (its
 * `meta` record, store/backfill-indexes.ts), it says that too.
 */
import type { ChainStatus, IndexerStatus } from "../indexer/types";
import type { Logger } from "../logger";
import { indexesDeferred } from "../store/backfill-indexes";
import type { Db } from "../store/db";
import { jsonRpcCall } from "../startup/json-rpc";

/** Parameters of {@link createStoreStatus}. */
export interface CreateStoreStatusParameters {
  db: Db;
  /** The chains this process serves, with the node to read each head from. */
  chains: { chainId: number; rpcUrl: string; startBlock: number }[];
  /** How often to read the database and the heads. Default 1000 ms. */
  pollIntervalMs?: number;
  logger: Logger;
}

/** A polling status source; `status()` is cheap (the last reading). */
export interface StoreStatus {
  status(): IndexerStatus;
  /** Reads once now (and waits for it). */
  refresh(): Promise<void>;
  stop(): void;
}

interface CheckpointRow {
  chain_id: number;
  block_number: number;
  block_time: number;
  head_block: number;
  confirmations: number;
  updated_at: number;
}

/** Starts polling the store and the nodes. */
export function createStoreStatus(p: CreateStoreStatusParameters): StoreStatus {
  const now = Date.now();
  const st = new Map<number, ChainStatus>(
    p.chains.map((c) => [
      c.chainId,
      {
        chainId: c.chainId,
        indexedBlock: c.startBlock - 1,
        indexedBlockTime: null,
        chainHead: null,
        lag: 0,
        confirmations: 0,
        finalizedBlock: null,
        lastProgressAt: null,
        eventsPerSecond: 0,
        eventsIndexed: 0,
        rangeSize: 0,
        state: "starting",
        stateSince: now,
        headCheckedAt: null,
        lastError: null,
        reorgs: 0,
        problem: null,
      },
    ]),
  );
  const setState = (s: ChainStatus, state: ChainStatus["state"]): void => {
    if (s.state !== state) s.stateSince = Date.now();
    s.state = state;
  };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** The first backfill's record as last read (a store that serves never has it again: read until it is gone). */
  let firstBackfill = false;
  let firstBackfillSeenOver = false;

  async function readOnce(): Promise<void> {
    let rows: CheckpointRow[] | undefined;
    let dbError: string | null = null;
    try {
      rows = await p.db.all<CheckpointRow>("SELECT chain_id, block_number, block_time, head_block, confirmations, updated_at FROM checkpoints");
      if (!firstBackfillSeenOver) {
        firstBackfill = await indexesDeferred(p.db);
        firstBackfillSeenOver = !firstBackfill && rows.length > 0;
      }
    } catch (e) {
      dbError = `database unavailable: ${(e as Error).message}`;
    }
    for (const c of p.chains) {
      const s = st.get(c.chainId)!;
      try {
        const head = Number(BigInt(await jsonRpcCall<string>(c.rpcUrl, "eth_blockNumber", [], 5000)));
        s.chainHead = head;
        s.headCheckedAt = Date.now();
      } catch (e) {
        s.lastError = (e as Error).message;
      }
      s.problem = dbError;
      if (dbError) {
        s.lastError = dbError;
        setState(s, "retrying");
        continue;
      }
      const row = rows?.find((r) => Number(r.chain_id) === c.chainId);
      if (row) {
        const indexed = Number(row.block_number);
        if (indexed !== s.indexedBlock || s.lastProgressAt === null) s.lastProgressAt = Number(row.updated_at);
        s.indexedBlock = indexed;
        s.indexedBlockTime = Number(row.block_time);
        s.confirmations = Number(row.confirmations);
        s.chainHead ??= Number(row.head_block);
      }
      s.lag = s.chainHead === null ? 0 : Math.max(0, s.chainHead - s.indexedBlock);
      s.finalizedBlock = s.chainHead === null ? null : Math.max(-1, s.chainHead - s.confirmations);
      if (s.headCheckedAt !== null && Date.now() - s.headCheckedAt < 60_000) s.lastError = null;
      setState(s, row ? (s.lag === 0 ? "live" : "backfill") : "starting");
    }
  }

  const loop = (): void => {
    if (stopped) return;
    readOnce()
      .catch((e) => p.logger.warn({ err: e }, "status read failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, p.pollIntervalMs ?? 1000);
      });
  };
  timer = setTimeout(loop, 0);

  return {
    status: () => ({ chains: [...st.values()].map((s) => ({ ...s })), firstBackfill }),
    refresh: readOnce,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
