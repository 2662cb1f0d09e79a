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
    const one = createAdaptiveRange({ initial: 1 });
    expect(one.shrink()).to.equal(false);
  });
});
