import { expect } from "chai";
import type { FetchedRange, TipRef } from "../../../service/src/indexer/fetch-range";
import { createPrefetcher } from "../../../service/src/indexer/prefetcher";

const H = (n: number, branch = "a"): string => `0x${branch.repeat(2)}${n.toString(16).padStart(62, "0")}`;

describe("indexer/prefetcher", () => {
  const fetched: { tip: TipRef; from: number; to: number }[] = [];
  const prefetcher = createPrefetcher(async (tip, from, to) => {
    fetched.push({ tip, from, to });
    return { from, to } as FetchedRange;
  });
  const tip = { blockNumber: 10, blockHash: H(10) };

  it("should hand out a range fetched ahead once, when it starts right after the same tip", async () => {
    prefetcher.start(tip, 11, 20);
    expect(fetched.at(-1)).to.deep.equal({ tip, from: 11, to: 20 });
    expect(await prefetcher.take(11, tip)).to.deep.equal({ from: 11, to: 20 });
    expect(prefetcher.take(11, tip)).to.equal(undefined);
  });

  it("should drop it when the tip's hash or the start differs, or when cleared", () => {
    prefetcher.start(tip, 11, 20);
    expect(prefetcher.take(11, { blockNumber: 10, blockHash: H(10, "b") })).to.equal(undefined);
    prefetcher.start(tip, 11, 20);
    expect(prefetcher.take(12, tip)).to.equal(undefined);
    prefetcher.start(tip, 11, 20);
    expect(prefetcher.take(11, undefined)).to.equal(undefined);
    prefetcher.start(tip, 11, 20);
    prefetcher.clear();
    expect(prefetcher.take(11, tip)).to.equal(undefined);
  });

  it("should not leave a failed fetch unhandled, and surface it when taken", async () => {
    const failing = createPrefetcher(() => Promise.reject(new Error("node down")));
    failing.start(tip, 11, 20);
    let message = "";
    await failing.take(11, tip)!.catch((e: Error) => (message = e.message));
    expect(message).to.equal("node down");
  });
});
