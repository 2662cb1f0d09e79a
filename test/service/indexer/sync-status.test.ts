import { expect } from "chai";
import { createSyncStatus } from "../../../service/src/indexer/sync-status";

const H = (n: number, branch = "a"): string => `0x${branch.repeat(2)}${n.toString(16).padStart(62, "0")}`;

describe("indexer/sync-status", () => {
  it("should start before the start block, and follow head, tip, lag, finality and state", () => {
    const s = createSyncStatus({ chainId: 1, startBlock: 100, confirmations: 12, rangeSize: 1000 });
    expect(s.snapshot()).to.include({ indexedBlock: 99, chainHead: null, lag: 0, state: "starting", eventsIndexed: 0, rangeSize: 1000 });
    s.setHead(500);
    expect(s.snapshot()).to.include({ chainHead: 500, finalizedBlock: 488, lag: 401 });
    s.setIndexed({ chainId: 1, blockNumber: 300, blockHash: H(300), blockTime: 7, headBlock: 500, finalizedBlock: 488, confirmations: 12, updatedAt: 0 });
    s.failing("boom");
    s.progressed(50);
    s.setState("backfill");
    const st = s.snapshot();
    expect(st).to.include({ indexedBlock: 300, indexedBlockTime: 7, lag: 200, eventsIndexed: 50, lastError: null, state: "backfill" });
    expect(st.eventsPerSecond).to.be.greaterThan(0);
    expect(st.headCheckedAt).to.be.a("number");
  });
});
