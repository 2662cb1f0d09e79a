/** The status bookkeeping of one chain's follower: the figures `/health` and `/metrics` read (docs/indexer.md). */
import type { Checkpoint } from "../store/index-store";
import type { ChainStatus } from "./types";

/** Parameters of {@link createSyncStatus}. */
export interface CreateSyncStatusParameters {
  chainId: number;
  /** First block of the chain's contracts: `indexedBlock` is the one before it until a range is written. */
  startBlock: number;
  confirmations: number;
  rangeSize: number;
}

/** A follower's status, updated as it goes. */
export interface SyncStatus {
  /** Highest block whose logs are all in the store. */
  readonly indexedBlock: number;
  readonly state: ChainStatus["state"];
  /** Records the chain head just read. */
  setHead(head: number): void;
  /** Records the indexed tip (undefined: nothing indexed yet). */
  setIndexed(cp: Checkpoint | undefined): void;
  setState(state: ChainStatus["state"]): void;
  setRangeSize(size: number): void;
  /** A range of `events` events was committed. */
  progressed(events: number): void;
  reorged(): void;
  /** The last error while not making progress. */
  failing(message: string): void;
  /** A condition /health reports at once (null: none); cleared by progress. */
  setProblem(message: string | null): void;
  /** A copy, with the recent event rate. */
  snapshot(): ChainStatus;
}

/** The window the event rate is averaged over. */
const WINDOW_MS = 10_000;

/** Creates the status of one chain, in state `starting`. */
export function createSyncStatus(p: CreateSyncStatusParameters): SyncStatus {
  const st: ChainStatus = {
    chainId: p.chainId,
    indexedBlock: p.startBlock - 1,
    indexedBlockTime: null,
    chainHead: null,
    lag: 0,
    confirmations: p.confirmations,
    finalizedBlock: null,
    lastProgressAt: null,
    eventsPerSecond: 0,
    eventsIndexed: 0,
    rangeSize: p.rangeSize,
    state: "starting",
    stateSince: Date.now(),
    headCheckedAt: null,
    lastError: null,
    reorgs: 0,
    problem: null,
  };
  const window: { t: number; n: number }[] = [];
  const rate = (): number => {
    const now = Date.now();
    while (window.length && window[0].t < now - WINDOW_MS) window.shift();
    if (window.length === 0) return 0;
    const n = window.reduce((a, w) => a + w.n, 0);
    const span = Math.max(1000, now - window[0].t);
    return Math.round((n * 1000) / span);
  };
  return {
    get indexedBlock() {
      return st.indexedBlock;
    },
    get state() {
      return st.state;
    },
    setHead(head) {
      st.chainHead = head;
      st.finalizedBlock = Math.max(-1, head - p.confirmations);
      st.lag = Math.max(0, head - st.indexedBlock);
      st.headCheckedAt = Date.now();
    },
    setIndexed(cp) {
      st.indexedBlock = cp ? cp.blockNumber : p.startBlock - 1;
      st.indexedBlockTime = cp ? cp.blockTime : null;
      if (st.chainHead !== null) st.lag = Math.max(0, st.chainHead - st.indexedBlock);
    },
    setState(state) {
      if (st.state !== state) st.stateSince = Date.now();
      st.state = state;
    },
    setRangeSize(size) {
      st.rangeSize = size;
    },
    progressed(events) {
      st.eventsIndexed += events;
      window.push({ t: Date.now(), n: events });
      st.lastProgressAt = Date.now();
      st.lastError = null;
      st.problem = null;
    },
    reorged() {
      st.reorgs++;
    },
    failing(message) {
      st.lastError = message;
    },
    setProblem(message) {
      st.problem = message;
    },
    snapshot() {
      st.eventsPerSecond = rate();
      return { ...st };
    },
  };
}
