import { expect } from "chai";
import { createAdaptiveRange } from "../../../service/src/indexer/adaptive-range";
import type { FetchedRange, RangeBase } from "../../../service/src/indexer/fetch-range";
import { createPrefetcher, type PrefetcherOptions } from "../../../service/src/indexer/prefetcher";

const H = (n: number, branch = "a"): string => `0x${branch.repeat(2)}${n.toString(16).padStart(62, "0")}`;
const header = (n: number, branch = "a") => ({ number: n, hash: H(n, branch), parentHash: H(n - 1, branch), timestamp: 1000 + n, logsBloom: "" });

/** A chain whose blocks above `forkAt` are on `branch` (changeable), with `logsPerBlock` logs in each block. */
function fakeFetch(state: { branch: string; forkAt: number; logsPerBlock: number; fail?: (from: number) => Error | undefined }) {
  const calls: { base: RangeBase | undefined; from: number; to: number }[] = [];
  const br = (n: number): string => (n > state.forkAt ? state.branch : "a");
  const fetch = async (base: RangeBase | undefined, from: number, to: number): Promise<FetchedRange> => {
    calls.push({ base, from, to });
    await new Promise((r) => setImmediate(r));
    const err = state.fail?.(from);
    if (err) throw err;
    if (base?.blockHash !== undefined && base.blockHash !== H(base.blockNumber, br(base.blockNumber))) throw new Error(`reorg at ${base.blockNumber}`);
    const events = [];
    for (let n = from; n <= to; n++) for (let i = 0; i < state.logsPerBlock; i++) events.push({ name: null, meta: { blockNumber: n, logIndex: i } });
    return {
      from,
      to,
      toHeader: header(to, br(to)),
      below: base ? header(base.blockNumber, br(base.blockNumber)) : undefined,
      headers: new Map([[to, header(to, br(to))]]),
      blockTimes: new Map([[to, 1000 + to]]),
      events: events as unknown as FetchedRange["events"],
      logCount: events.length,
    };
  };
  return { calls, fetch };
}

const options = (fetch: PrefetcherOptions["fetch"], extra: Partial<PrefetcherOptions> = {}): PrefetcherOptions => ({
  fetch,
  range: createAdaptiveRange({ initial: 10, max: 10, targetLogs: 1000 }),
  ...extra,
});

describe("indexer/prefetcher", () => {
  it("should keep several ranges in flight, each on top of the one before, and check the first against the tip", async () => {
    const f = fakeFetch({ branch: "a", forkAt: 1e9, logsPerBlock: 1 });
    const p = createPrefetcher(options(f.fetch, { depth: 3, maxBatchLogs: 10 }));
    const tip = { blockNumber: 10, blockHash: H(10) };
    const pending = p.next(tip, 11, 100);
    expect(f.calls).to.have.length(1); // the size is a guess until a range has come back: one range only
    const r = await pending;
    expect([r.from, r.to, r.logCount]).to.deep.equal([11, 20, 10]);
    // the first on top of the tip (hash checked), the others on top of the range before by number only
    expect(f.calls.slice(0, 3)).to.deep.equal([
      { base: tip, from: 11, to: 20 },
      { base: { blockNumber: 20 }, from: 21, to: 30 },
      { base: { blockNumber: 30 }, from: 31, to: 40 },
    ]);
    // after handing one out, the pipeline is refilled to three
    expect(f.calls.at(-1)).to.deep.include({ from: 41, to: 50 });
  });

  it("should keep three ranges in flight by default, and join at most 10,000 logs into one", async () => {
    const f = fakeFetch({ branch: "a", forkAt: 1e9, logsPerBlock: 400 });
    // ranges of 10 blocks, 4,000 logs each; depth and the join's bound as the prefetcher's defaults
    const p = createPrefetcher(options(f.fetch, { range: createAdaptiveRange({ initial: 10, max: 10, targetLogs: 1e6 }) }));
    const first = await p.next(undefined, 1, 1000);
    expect([first.from, first.to]).to.deep.equal([1, 10]);
    // refilled after the first was handed out: the ranges after it, three in flight, none beyond
    expect(f.calls.map((c) => c.from)).to.deep.equal([1, 11, 21, 31]);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(f.calls.map((c) => c.from)).to.deep.equal([1, 11, 21, 31]);
    // all three fetched: the second joins the first (8,000 logs), the third would pass 10,000
    const joined = await p.next({ blockNumber: 10, blockHash: H(10) }, 11, 1000);
    expect([joined.from, joined.to, joined.logCount]).to.deep.equal([11, 30, 8000]);
  });

  it("should join the ranges already fetched into one, up to maxBatchLogs, never past the head", async () => {
    const f = fakeFetch({ branch: "a", forkAt: 1e9, logsPerBlock: 2 });
    const p = createPrefetcher(options(f.fetch, { depth: 4, maxBatchLogs: 60 }));
    const first = await p.next({ blockNumber: 10, blockHash: H(10) }, 11, 55);
    expect([first.from, first.to]).to.deep.equal([11, 20]);
    await new Promise((r) => setTimeout(r, 20)); // let the ranges in flight arrive
    const joined = await p.next({ blockNumber: 20, blockHash: H(20) }, 21, 55);
    expect([joined.from, joined.to, joined.logCount, joined.events.length]).to.deep.equal([21, 50, 60, 60]);
    expect(joined.events.map((e) => e.meta.blockNumber)).to.deep.equal([...Array(30).keys()].flatMap((i) => [21 + i, 21 + i]));
    expect(joined.blockTimes.get(30)).to.equal(1030);
    expect(joined.toHeader.number).to.equal(50);
    const last = await p.next({ blockNumber: 50, blockHash: H(50) }, 51, 55);
    expect([last.from, last.to]).to.deep.equal([51, 55]);
    expect(Math.max(...f.calls.map((c) => c.to))).to.equal(55);
  });

  it("should throw away ranges fetched on top of a block the chain replaced, and fetch again on top of the tip", async () => {
    const state = { branch: "a", forkAt: 1e9, logsPerBlock: 1 };
    const f = fakeFetch(state);
    const p = createPrefetcher(options(f.fetch, { depth: 3, maxBatchLogs: 1 }));
    const first = await p.next({ blockNumber: 10, blockHash: H(10) }, 11, 100);
    expect(first.toHeader.hash).to.equal(H(20));
    // the chain above 15 changes: the committed tip (20 on branch a) is gone, the range fetched ahead sits on 20 of b
    state.branch = "b";
    state.forkAt = 15;
    await new Promise((r) => setTimeout(r, 20));
    let error = "";
    await p.next({ blockNumber: 20, blockHash: H(20) }, 21, 100).catch((e: Error) => (error = e.message));
    expect(error).to.equal("reorg at 20"); // refetched on top of the known tip, where the reorg shows
    expect(f.calls.filter((c) => c.from === 21).at(-1)).to.deep.equal({ base: { blockNumber: 20, blockHash: H(20) }, from: 21, to: 30 });
  });

  it("should not join a range whose base is not the last block of the one before", async () => {
    const state = { branch: "a", forkAt: 1e9, logsPerBlock: 1 };
    const f = fakeFetch(state);
    const p = createPrefetcher(options(f.fetch, { depth: 3, maxBatchLogs: 100 }));
    await p.next(undefined, 1, 100);
    state.branch = "c";
    state.forkAt = 25; // 21-30 fetched on a, 31-40 will see 30 of c as its base
    const second = await p.next({ blockNumber: 10, blockHash: H(10) }, 11, 100);
    expect(second.to).to.be.lessThan(40);
  });

  it("should surface a failed fetch or a refused verification at its turn, and drop what is in flight", async () => {
    let failures = 1;
    const f = fakeFetch({ branch: "a", forkAt: 1e9, logsPerBlock: 1, fail: (from) => (from === 21 && failures-- > 0 ? new Error("node down") : undefined) });
    const verified: number[] = [];
    const p = createPrefetcher(
      options(f.fetch, {
        depth: 3,
        maxBatchLogs: 10,
        verify: async (r) => {
          verified.push(r.from);
          if (r.from === 31) throw new Error("bloom mismatch");
        },
      }),
    );
    expect((await p.next(undefined, 1, 100)).from).to.equal(1);
    expect((await p.next({ blockNumber: 10, blockHash: H(10) }, 11, 100)).from).to.equal(11);
    let error = "";
    await p.next({ blockNumber: 20, blockHash: H(20) }, 21, 100).catch((e: Error) => (error = e.message));
    expect(error).to.equal("node down");
    // nothing of the old pipeline is reused: 21 is fetched again, on top of the tip
    const again = await p.next({ blockNumber: 20, blockHash: H(20) }, 21, 100);
    expect(again.from).to.equal(21);
    expect(f.calls.filter((c) => c.from === 21).at(-1)).to.deep.equal({ base: { blockNumber: 20, blockHash: H(20) }, from: 21, to: 30 });
    error = "";
    await p.next({ blockNumber: 30, blockHash: H(30) }, 31, 100).catch((e: Error) => (error = e.message));
    expect(error).to.equal("bloom mismatch");
    expect(verified).to.include.members([1, 11, 21, 31]);
  });
});
