import { expect } from "chai";
import { createAdaptiveRange } from "../../../service/src/indexer/adaptive-range";

describe("indexer/adaptive-range", () => {
  it("should halve on refusal, stop at one block, and grow while sparse without passing a refused size soon", () => {
    const r = createAdaptiveRange({ initial: 64, max: 1000, targetLogs: 100 });
    expect(r.shrink()).to.equal(true);
    expect(r.size).to.equal(32);
    r.observe(32, 0);
    expect(r.size).to.equal(63); // capped just below the refused 64
    r.observe(63, 1000);
    expect(r.size).to.equal(6);
    // between half the target and the target: grow to the target (a dense chain's ranges do not stay at half of it)
    const dense = createAdaptiveRange({ initial: 10, targetLogs: 5000 });
    dense.observe(10, 2500);
    expect(dense.size).to.equal(20);
    dense.observe(20, 4500); // within 80 % of the target: keep
    expect(dense.size).to.equal(20);
    dense.observe(20, 1000); // a fifth of the target: toward half of it first
    expect(dense.size).to.equal(50);
    const one = createAdaptiveRange({ initial: 1 });
    expect(one.shrink()).to.equal(false);
  });
});
