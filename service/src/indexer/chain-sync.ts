/**
 * Follows one chain: historical backfill in adaptive ranges, then live polling; each range's rows and checkpoint
 * in one transaction; reorgs rolled back to the common ancestor found through the kept block hashes.
 * A failing range is retried (with backoff) and never skipped; the failure shows in the status.
 */
import { FatalError, LogRangeTooLargeError } from "../errors";
import type { Decoder } from "../chain/decoder";
import type { Rpc } from "../chain/rpc";
import { backoffDelay } from "../chain/retry";
import type { Checkpoint, IndexStore, KeptBlock } from "../store/index-store";
import { createAdaptiveRange } from "./adaptive-range";
import { fetchRange, RangeChangedError, ReorgDetectedError, type FetchedRange } from "./fetch-range";
import { eventsToRows } from "./handlers";
import type { ChainParams, ChainStatus, Common } from "./types";

/** Parameters of {@link createChainSync}. */
export interface CreateChainSyncParameters {
  chain: ChainParams;
  rpc: Rpc;
  decoder: Decoder;
  store: IndexStore;
}

/** Outcome of one step. */
export type StepResult = "progress" | "idle" | "reorg";

/** The per-chain follower. */
export interface ChainSync {
  readonly chainId: number;
  /** Checks the chain id, records the contracts, loads the checkpoint. */
  init(): Promise<void>;
  /** One iteration: read and commit the next range, or detect a reorg, or find nothing new. Throws on failure. */
  step(): Promise<StepResult>;
  /** Steps until the indexed block reaches the head seen at the start (tests, benchmarks). */
  catchUp(): Promise<void>;
  /** Loops until `stop()`: backfill, then poll every `pollIntervalMs`. Never throws. */
  run(pollIntervalMs: number): Promise<void>;
  stop(): void;
  status(): ChainStatus;
}

const WINDOW_MS = 10_000;

/** Creates the follower of one chain. */
export function createChainSync(common: Common, p: CreateChainSyncParameters): ChainSync {
  const { chain, rpc, decoder, store } = p;
  const log = common.logger.child({ chainId: chain.chainId });
  const chainId = chain.chainId;
  const confirmations = chain.confirmations ?? (chainId === 31337 ? 0 : 12);
  const keep = chain.keepBlocks ?? Math.max(128, 2 * confirmations + 16);
  const addresses = [...new Set(chain.contracts.map((c) => c.address.toLowerCase()))];
  const addressSet = new Set(addresses);
  const startBlock = Math.min(...chain.contracts.map((c) => c.startBlock));
  const range = createAdaptiveRange({
    initial: chain.initialRange,
    max: chain.maxRange,
    targetLogs: chain.targetLogsPerRange,
  });

  let cp: Checkpoint | undefined;
  let head: number | null = null;
  let running = false;
  let stopRequested = false;
  let wake: (() => void) | undefined;
  const window: { t: number; n: number }[] = [];
  const st: ChainStatus = {
    chainId,
    indexedBlock: startBlock - 1,
    indexedBlockTime: null,
    chainHead: null,
    lag: 0,
    confirmations,
    finalizedBlock: null,
    lastProgressAt: null,
    eventsPerSecond: 0,
    eventsIndexed: 0,
    rangeSize: range.size,
    state: "starting",
    stateSince: Date.now(),
    headCheckedAt: null,
    lastError: null,
    reorgs: 0,
  };

  const setState = (state: ChainStatus["state"]): void => {
    if (st.state !== state) st.stateSince = Date.now();
    st.state = state;
  };
  const setHead = (h: number): void => {
    head = h;
    st.chainHead = h;
    st.finalizedBlock = Math.max(-1, h - confirmations);
    st.lag = Math.max(0, h - st.indexedBlock);
  };
  const setIndexed = (c: Checkpoint | undefined): void => {
    st.indexedBlock = c ? c.blockNumber : startBlock - 1;
    st.indexedBlockTime = c ? c.blockTime : null;
    if (head !== null) st.lag = Math.max(0, head - st.indexedBlock);
  };
  const rate = (): number => {
    const now = Date.now();
    while (window.length && window[0].t < now - WINDOW_MS) window.shift();
    if (window.length === 0) return 0;
    const n = window.reduce((a, w) => a + w.n, 0);
    const span = Math.max(1000, now - window[0].t);
    return Math.round((n * 1000) / span);
  };

  async function handleReorg(e: ReorgDetectedError): Promise<void> {
    prefetched = undefined;
    headAt = 0; // the head may have moved back: read it again
    log.warn({ block: e.blockNumber, expected: e.expected, actual: e.actual }, "reorg detected");
    let below = e.blockNumber - 1;
    let ancestor: KeptBlock | null | undefined;
    while (ancestor === undefined) {
      const kept = await store.keptBlocks(chainId, below, 32);
      if (kept.length === 0) {
        // No kept block is canonical: re-index from the start block (slow but never wrong).
        if (below >= startBlock) log.error({ below, keep }, "reorg deeper than the kept block hashes; re-indexing from the start");
        ancestor = null;
        break;
      }
      const chainHeaders = await rpc.eth_getBlocksOrNull(kept.map((k) => k.blockNumber));
      for (let i = 0; i < kept.length && ancestor === undefined; i++) {
        if (chainHeaders[i]?.hash === kept[i].blockHash) ancestor = kept[i];
      }
      below = kept[kept.length - 1].blockNumber - 1;
    }
    await store.rollback(chainId, ancestor);
    cp = ancestor
      ? { ...(cp as Checkpoint), blockNumber: ancestor.blockNumber, blockHash: ancestor.blockHash, blockTime: ancestor.blockTime }
      : undefined;
    setIndexed(cp);
    st.reorgs++;
    log.warn({ ancestor: ancestor?.blockNumber ?? startBlock - 1 }, "rolled back to common ancestor");
  }

  // The next range is fetched while the current one is written (backfill pipelining).
  let prefetched: { from: number; to: number; tipHash: string; result: Promise<FetchedRange> } | undefined;
  let headAt = 0;
  let rangeChanges = 0; // consecutive; past 5 the error goes to the caller's backoff

  async function step(): Promise<StepResult> {
    let next = cp ? cp.blockNumber + 1 : startBlock;
    // During backfill the head is refreshed every 2 s, not per range; near the head, every step.
    if (head === null || next > head || Date.now() - headAt > 2000) {
      setHead(await rpc.eth_blockNumber());
      headAt = Date.now();
      st.headCheckedAt = headAt;
    }
    next = cp ? cp.blockNumber + 1 : startBlock;
    if (next > head!) {
      prefetched = undefined;
      if (cp) {
        // Nothing new: still check the tip (a reorg can shorten or replace the chain).
        const [h] = await rpc.eth_getBlocksOrNull([cp.blockNumber]);
        if (!h || h.hash !== cp.blockHash) {
          await handleReorg(new ReorgDetectedError(cp.blockNumber, cp.blockHash, h?.hash ?? "(missing)"));
          return "reorg";
        }
        if (cp.headBlock !== head) {
          await store.updateHead(chainId, head!, Math.max(-1, head! - confirmations));
          cp = { ...cp, headBlock: head!, finalizedBlock: Math.max(-1, head! - confirmations) };
        }
      }
      setState("live");
      return "idle";
    }
    let to = Math.min(head!, next + range.size - 1);
    let fetched: FetchedRange;
    try {
      const pre = prefetched;
      prefetched = undefined;
      if (pre && pre.from === next && cp && pre.tipHash === cp.blockHash) {
        to = pre.to;
        fetched = await pre.result;
      } else {
        fetched = await fetchRange(rpc, decoder, addresses, addressSet, cp, next, to);
      }
    } catch (e) {
      if (e instanceof LogRangeTooLargeError) {
        if (!range.shrink()) throw new FatalError(`eth_getLogs refuses even one block (${next}) on chain ${chainId}`, { cause: e });
        st.rangeSize = range.size;
        log.debug({ from: next, to, size: range.size }, "range too large, shrinking");
        return "progress";
      }
      if (e instanceof ReorgDetectedError) {
        await handleReorg(e);
        return "reorg";
      }
      if (e instanceof RangeChangedError && ++rangeChanges <= 5) {
        // The chain moved under the read (a reorg in progress): read the head and the range again.
        headAt = 0;
        log.debug({ from: next, to, err: e.message }, "range changed while reading; reading again");
        return "progress";
      }
      throw e;
    }
    rangeChanges = 0;
    const blockTime = (n: number): number => fetched.headers.get(n)!.timestamp;
    const rows = eventsToRows(chainId, fetched.events, blockTime);
    for (const ev of fetched.events) {
      if (ev.name === null && ev.error) log.warn({ block: ev.meta.blockNumber, logIndex: ev.meta.logIndex, error: ev.error }, "malformed log kept raw");
    }
    const minKeep = head! - keep;
    const blocks: KeptBlock[] = [];
    for (const h of fetched.headers.values()) {
      if (h.number >= minKeep && h.number >= next) {
        blocks.push({ blockNumber: h.number, blockHash: h.hash, parentHash: h.parentHash, blockTime: h.timestamp });
      }
    }
    const t = fetched.toHeader;
    if (!blocks.some((b) => b.blockNumber === t.number)) {
      blocks.push({ blockNumber: t.number, blockHash: t.hash, parentHash: t.parentHash, blockTime: t.timestamp });
    }
    const newCp: Checkpoint = {
      chainId,
      blockNumber: to,
      blockHash: t.hash,
      blockTime: t.timestamp,
      headBlock: head!,
      finalizedBlock: Math.max(-1, head! - confirmations),
      confirmations,
      updatedAt: Date.now(),
    };
    range.observe(to - next + 1, fetched.logCount);
    st.rangeSize = range.size;
    if (to < head!) {
      const from2 = to + 1;
      const to2 = Math.min(head!, to + range.size);
      const result = fetchRange(rpc, decoder, addresses, addressSet, { blockNumber: to, blockHash: t.hash }, from2, to2);
      result.catch(() => undefined); // surfaced when awaited by the next step
      prefetched = { from: from2, to: to2, tipHash: t.hash, result };
    }
    await store.writeRange({ chainId, rows, blocks, checkpoint: newCp, pruneBelow: Math.min(minKeep, to) });
    cp = newCp;
    st.eventsIndexed += fetched.logCount;
    window.push({ t: Date.now(), n: fetched.logCount });
    st.lastProgressAt = Date.now();
    st.lastError = null;
    setIndexed(cp);
    setState(to < head! ? "backfill" : "live");
    return "progress";
  }

  return {
    chainId,
    async init() {
      const actual = await rpc.eth_chainId();
      if (actual !== chainId) throw new FatalError(`RPC for chain ${chainId} reports chain id ${actual}`);
      await store.registerContracts(chainId, chain.contracts);
      cp = await store.getCheckpoint(chainId);
      // Anything above the checkpoint can only be a leftover of a manual edit: the write is atomic. Drop it.
      await store.rollback(chainId, cp ? { blockNumber: cp.blockNumber, blockHash: cp.blockHash, parentHash: "", blockTime: cp.blockTime } : null);
      if (cp) cp = await store.getCheckpoint(chainId);
      setIndexed(cp);
      log.info({ from: cp ? cp.blockNumber + 1 : startBlock, contracts: addresses.length }, "chain sync ready");
    },
    step,
    async catchUp() {
      const target = await rpc.eth_blockNumber();
      for (let i = 0; i < 1_000_000; i++) {
        const r = await step();
        if (r === "idle" || (r === "progress" && st.indexedBlock >= target)) return;
      }
    },
    async run(pollIntervalMs) {
      if (running) return;
      running = true;
      stopRequested = false;
      let failures = 0;
      while (!stopRequested) {
        try {
          const r = await step();
          failures = 0;
          if (r === "idle") {
            await new Promise<void>((res) => {
              wake = res;
              setTimeout(res, pollIntervalMs);
            });
          }
        } catch (e) {
          failures++;
          st.lastError = (e as Error).message;
          if (e instanceof FatalError) {
            setState("failed");
            log.error({ err: e }, "chain sync stopped: fatal error");
            break;
          }
          setState("retrying");
          const delay = backoffDelay(failures, 500, 30_000);
          log.warn({ err: e, attempt: failures, delayMs: delay, from: st.indexedBlock + 1 }, "range failed; retrying (not skipped)");
          await new Promise<void>((res) => {
            wake = res;
            setTimeout(res, delay);
          });
        }
      }
      if (st.state !== "failed") setState("stopped");
      running = false;
    },
    stop() {
      stopRequested = true;
      wake?.();
    },
    status() {
      st.eventsPerSecond = rate();
      return { ...st };
    },
  };
}

