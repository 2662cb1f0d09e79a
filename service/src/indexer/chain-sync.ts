/**
 * Follows one chain: historical backfill in adaptive ranges, then live polling; each range's rows and checkpoint
 * in one transaction; reorgs rolled back to the common ancestor found through the kept block hashes (`reorg.ts`).
 * A failing range is retried (with backoff) and never skipped; the failure shows in the status (`sync-status.ts`).
 */
import { DatabaseUnavailableError, FatalError, LogRangeTooLargeError } from "../errors";
import type { Decoder } from "../chain/decoder";
import type { Rpc } from "../chain/rpc";
import { backoffDelay } from "../chain/retry";
import type { Checkpoint, IndexStore, KeptBlock, RangeWrite } from "../store/index-store";
import { createAdaptiveRange } from "./adaptive-range";
import { fetchRange, RangeChangedError, ReorgDetectedError, type FetchedRange, type RangeReader } from "./fetch-range";
import { eventsToRows } from "./handlers";
import { createPrefetcher, type FetchRange } from "./prefetcher";
import { IncompleteLogsError } from "./range-check";
import { BLOCK_ANCHOR_INTERVAL, findCommonAncestor, judgeTip } from "./reorg";
import { createSyncStatus } from "./sync-status";
import { assertOwnCheckpoint, reconcileFailedWrite, settleWriteInDoubt } from "./write-reconcile";
import type { ChainParams, ChainStatus, Common } from "./types";

/** Parameters of {@link createChainSync}. */
export interface CreateChainSyncParameters {
  chain: ChainParams;
  rpc: Rpc;
  decoder: Decoder;
  store: IndexStore;
  /** Reads a range (default: fetch-range.ts on this thread; fetch-worker.ts reads it in a worker, rows mapped). */
  fetch?: RangeReader;
  /**
   * Awaited whenever the chain has nothing left to fetch (an idle step, the end of catchUp): the indexer builds the
   * indexes a first backfill went without once every chain is there (store/backfill-indexes.ts). A throw fails the step.
   */
  onCaughtUp?: () => Promise<void>;
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
  /** Records a transient fault that is being retried (an RPC error): `lastError` until the next progress. */
  noteFault(message: string): void;
}

/** During backfill the head is read again after this long, not per range; near the head, every step. */
const HEAD_REFRESH_MS = 2000;
/**
 * Default largest range: a range reads the header of every block without logs (fetch-range.ts, the logsBloom check),
 * so on a quiet chain ranges in flight hold up to this many headers each; one eth_getLogs per 100 header batches costs
 * next to nothing.
 */
const MAX_RANGE_BLOCKS = 10_000;
/** Consecutive "range changed while reading" retries before the error goes to the caller's backoff. */
const MAX_RANGE_CHANGES = 5;

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
  const range = createAdaptiveRange({ initial: chain.initialRange, max: chain.maxRange ?? MAX_RANGE_BLOCKS, targetLogs: chain.targetLogsPerRange });
  const status = createSyncStatus({ chainId, startBlock, confirmations, rangeSize: range.size });
  const onRefetch = (e: IncompleteLogsError): void => {
    log.warn({ from: e.from, to: e.to, blocks: e.blocks }, "eth_getLogs answered empty or short (the blocks' receipts hold more); asking again");
    status.failing(e.message);
  };
  const read: RangeReader = p.fetch ?? ((base, from, to, settled) => fetchRange(rpc, decoder, addresses, addressSet, base, from, to, { onRefetch, settled }));
  // Below the window of kept hashes, and at least twice the confirmation depth below the head, the chain does not
  // change by the operator's own setting: ranges there read only the headers their answer needs (fetch-range.ts).
  const settledDepth = Math.max(keep, 2 * confirmations + 16);
  const fetchOnTop: FetchRange = (base, from, to) =>
    read(base, from, to, { through: head === null ? -1 : head - settledDepth, anchorEvery: BLOCK_ANCHOR_INTERVAL });
  const prefetcher = createPrefetcher({ fetch: fetchOnTop, range, depth: chain.rangesInFlight, maxBatchLogs: chain.maxLogsPerCommit });

  let cp: Checkpoint | undefined;
  let head: number | null = null;
  let headAt = 0; // when the head was read; 0: read it at the next step
  let rangeChanges = 0;
  let prunedBelow = 0;
  /** A write whose commit may have landed: it failed, and the store could not be read to tell (settled before the next write). */
  let inDoubt: { write: RangeWrite; logCount: number } | undefined;
  let lagging = false;
  let running = false;
  let stopRequested = false;
  let wake: (() => void) | undefined;

  const finalizedAt = (h: number): number => Math.max(-1, h - confirmations);
  const nextBlock = (): number => (cp ? cp.blockNumber + 1 : startBlock);

  /** The chain head, read again when stale or when the indexer has caught up with it. */
  async function readHead(): Promise<number> {
    if (head === null || nextBlock() > head || Date.now() - headAt > HEAD_REFRESH_MS) {
      head = await rpc.eth_blockNumber();
      headAt = Date.now();
      status.setHead(head);
    }
    return head;
  }

  /**
   * Nothing new: the indexed tip must still be canonical (a reorg can shorten or replace the chain). A node behind
   * the indexed block whose blocks agree with ours is waited for, not taken for a reorg.
   */
  async function checkTip(h: number): Promise<StepResult> {
    prefetcher.clear();
    if (cp) {
      const verdict = await judgeTip({ store, rpc, chainId }, cp, h);
      if (verdict.kind === "reorg") {
        await rollBack(new ReorgDetectedError(verdict.at, verdict.expected, verdict.actual));
        return "reorg";
      }
      if (verdict.kind === "behind") {
        const message = `the node is at block ${verdict.nodeHead}, ${cp.blockNumber - verdict.nodeHead} behind the indexed block ${cp.blockNumber}: waiting for it (a lagging node, not a reorg)`;
        if (!lagging) log.warn({ nodeHead: verdict.nodeHead, indexedBlock: cp.blockNumber }, "lagging node: waiting for it");
        lagging = true;
        status.setProblem(message);
        headAt = 0;
        return "idle";
      }
      if (lagging) {
        log.info({ head: h }, "the node caught up");
        status.setProblem(null);
        lagging = false;
      }
      if (cp.headBlock !== h) {
        await store.updateHead(chainId, h, finalizedAt(h));
        cp = { ...cp, headBlock: h, finalizedBlock: finalizedAt(h) };
      } else {
        await assertOwnCheckpoint(store, chainId, cp);
      }
    }
    status.setState("live");
    return "idle";
  }

  /** The next ranges (fetched ahead, or now), or what to do instead when the node refuses one or the chain moved. */
  async function fetchFrom(from: number, h: number): Promise<FetchedRange | StepResult> {
    const to = Math.min(h, from + range.size - 1);
    try {
      return await prefetcher.next(cp, from, h);
    } catch (e) {
      if (e instanceof LogRangeTooLargeError) {
        if (!range.shrink()) throw new FatalError(`eth_getLogs refuses even one block (${from}) on chain ${chainId}`, { cause: e });
        status.setRangeSize(range.size);
        log.debug({ from, to, size: range.size }, "range too large, shrinking");
        return "progress";
      }
      if (e instanceof ReorgDetectedError) {
        await rollBack(e);
        return "reorg";
      }
      if (e instanceof RangeChangedError && ++rangeChanges <= MAX_RANGE_CHANGES) {
        // The chain moved under the read (a reorg in progress): read the head and the range again.
        headAt = 0;
        log.debug({ from, to, err: e.message }, "range changed while reading; reading again");
        return "progress";
      }
      throw e;
    }
  }

  /** The range's rows, the headers to keep for reorg detection, and the new checkpoint. */
  function toWrite(fetched: FetchedRange, h: number): RangeWrite {
    const rows = fetched.rows ?? eventsToRows(chainId, fetched.events, (n) => fetched.blockTimes.get(n)!);
    for (const ev of fetched.events) {
      if (ev.name === null && ev.error) log.warn({ block: ev.meta.blockNumber, logIndex: ev.meta.logIndex, error: ev.error }, "malformed log kept raw");
    }
    const minKeep = h - keep;
    const blocks: KeptBlock[] = [];
    for (const b of fetched.headers.values()) {
      if ((b.number >= minKeep || b.number % BLOCK_ANCHOR_INTERVAL === 0) && b.number >= fetched.from) {
        blocks.push({ blockNumber: b.number, blockHash: b.hash, parentHash: b.parentHash, blockTime: b.timestamp });
      }
    }
    const t = fetched.toHeader;
    if (!blocks.some((b) => b.blockNumber === t.number)) {
      blocks.push({ blockNumber: t.number, blockHash: t.hash, parentHash: t.parentHash, blockTime: t.timestamp });
    }
    const checkpoint: Checkpoint = {
      chainId,
      blockNumber: fetched.to,
      blockHash: t.hash,
      blockTime: t.timestamp,
      headBlock: h,
      finalizedBlock: finalizedAt(h),
      confirmations,
      updatedAt: Date.now(),
    };
    return { chainId, rows, blocks, checkpoint, pruneBelow: Math.min(minKeep, fetched.to), pruneFrom: prunedBelow };
  }

  /**
   * Writes the range (while the next ones are fetched ahead) and moves the tip. Takes the range's numbers, not the
   * range: its decoded events are garbage once mapped to rows, rather than held through the write.
   */
  async function commit(fetched: { to: number; logCount: number }, write: RangeWrite, h: number): Promise<void> {
    status.setRangeSize(range.size);
    try {
      await store.writeRange(write);
    } catch (e) {
      inDoubt = { write, logCount: fetched.logCount };
      headAt = 0; // a failure may have lasted (a database restart): read the head again before the next range
      // Throws `e` (the write stays in doubt) when the store cannot be read either.
      const outcome = await reconcileFailedWrite(store, write, cp, e);
      inDoubt = undefined;
      if (outcome === "failed") throw e;
      log.warn({ to: fetched.to }, "the range's commit landed although its answer was lost; going on from it");
    }
    advance(write, fetched.logCount);
    status.setState(fetched.to < h ? "backfill" : "live");
  }

  function advance(write: RangeWrite, logCount: number): void {
    prunedBelow = Math.max(0, write.pruneBelow ?? 0);
    cp = write.checkpoint;
    status.progressed(logCount);
    status.setIndexed(cp);
  }

  /**
   * A write left in doubt is judged before any other: had it landed, the next range (perhaps of another size, the
   * head having moved meanwhile) would write its rows a second time and look like another writer's work.
   */
  async function settle(doubt: { write: RangeWrite; logCount: number }): Promise<boolean> {
    const outcome = await settleWriteInDoubt(store, doubt.write, cp);
    inDoubt = undefined;
    if (outcome === "failed") return false;
    prefetcher.clear();
    advance(doubt.write, doubt.logCount);
    log.warn({ to: doubt.write.checkpoint.blockNumber }, "an earlier range's commit landed although its answer was lost; going on from it");
    return true;
  }

  /** Rolls the store back to the common ancestor of the indexed blocks and the chain. */
  async function rollBack(e: ReorgDetectedError): Promise<void> {
    prefetcher.clear();
    prunedBelow = 0;
    headAt = 0; // the head may have moved back: read it again
    log.warn({ block: e.blockNumber, expected: e.expected, actual: e.actual }, "reorg detected");
    const ancestor = await findCommonAncestor({ store, rpc, chainId, startBlock, keep, log }, e.blockNumber - 1);
    await store.rollback(chainId, ancestor);
    cp = ancestor
      ? { ...(cp as Checkpoint), blockNumber: ancestor.blockNumber, blockHash: ancestor.blockHash, blockTime: ancestor.blockTime }
      : undefined;
    status.setIndexed(cp);
    status.reorged();
    const finalized = cp ? cp.finalizedBlock : -1;
    log.warn({ ancestor: ancestor?.blockNumber ?? startBlock - 1 }, "rolled back to common ancestor");
    if (finalized > (ancestor?.blockNumber ?? startBlock - 1)) {
      log.error({ ancestor: ancestor?.blockNumber ?? null, finalized, confirmations }, "the reorg replaced blocks past the confirmation depth (rows served as final): raise CONFIRMATIONS");
    }
  }

  /** Head → tip check → fetch → rows → commit. */
  async function step(): Promise<StepResult> {
    if (inDoubt && (await settle(inDoubt))) return "progress";
    const h = await readHead();
    const from = nextBlock();
    if (from > h) {
      await p.onCaughtUp?.();
      return checkTip(h);
    }
    const fetched = await fetchFrom(from, h);
    if (typeof fetched === "string") return fetched;
    rangeChanges = 0;
    const write = toWrite(fetched, h);
    await commit({ to: fetched.to, logCount: fetched.logCount }, write, h);
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
      status.setIndexed(cp);
      log.info({ from: nextBlock(), contracts: addresses.length }, "chain sync ready");
    },
    step,
    async catchUp() {
      const target = await rpc.eth_blockNumber();
      for (let i = 0; i < 1_000_000; i++) {
        const r = await step();
        if (r === "idle") return;
        if (r === "progress" && status.indexedBlock >= target) {
          await p.onCaughtUp?.();
          return;
        }
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
          if (!lagging) status.setProblem(null); // a database or log problem is over once a step succeeds
          if (r === "idle") {
            await new Promise<void>((res) => {
              wake = res;
              setTimeout(res, pollIntervalMs);
            });
          }
        } catch (e) {
          failures++;
          status.failing((e as Error).message);
          if (e instanceof FatalError) {
            status.setState("failed");
            log.error({ err: e }, "chain sync stopped: fatal error");
            break;
          }
          status.setState("retrying");
          const delay = backoffDelay(failures, 500, 30_000);
          if (e instanceof DatabaseUnavailableError) {
            status.setProblem(e.message);
            log.warn({ err: e.message, attempt: failures, delayMs: delay }, "database unavailable; retrying (nothing skipped)");
          } else if (e instanceof IncompleteLogsError) {
            status.setProblem(`range ${e.from}-${e.to} not written: ${e.message}`);
            log.error({ err: e, attempt: failures, delayMs: delay, from: e.from, to: e.to, blocks: e.blocks }, "the node's logs miss events the blocks commit to; range not written, retrying");
          } else {
            log.warn({ err: e, attempt: failures, delayMs: delay, from: status.indexedBlock + 1 }, "range failed; retrying (not skipped)");
          }
          await new Promise<void>((res) => {
            wake = res;
            setTimeout(res, delay);
          });
        }
      }
      if (status.state !== "failed") status.setState("stopped");
      running = false;
    },
    stop() {
      stopRequested = true;
      wake?.();
    },
    status: () => status.snapshot(),
    noteFault: (message) => status.failing(message),
  };
}
