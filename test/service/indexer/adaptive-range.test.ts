import { expect } from "chai";
import { createAdaptiveRange, EMPTY_PROBE_RANGE } from "../../../service/src/indexer/adaptive-range";

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

  it("should not stay below half the target when half way rounds down to the size it has (ranges of a few blocks)", () => {
    // 2 blocks of 1,000 logs: half the target is 2.5 blocks, i.e. 2 again; the target is 5
    const r = createAdaptiveRange({ initial: 2, targetLogs: 5000 });
    r.observe(2, 2000);
    expect(r.size).to.equal(5);
    r.observe(5, 5000);
    expect(r.size).to.equal(5);
    // far below, half way still comes first
    const sparse = createAdaptiveRange({ initial: 2, targetLogs: 5000 });
    sparse.observe(2, 200);
    expect(sparse.size).to.equal(25);
  });

  describe("without a first size: a one-block probe", () => {
    it("should size the ranges after it to half the target at the density it found", () => {
      const dense = createAdaptiveRange({ targetLogs: 5000, max: 10_000 });
      expect(dense.size).to.equal(1);
      dense.observe(1, 1000);
      expect(dense.size).to.equal(2);
      dense.observe(2, 2000); // then to the target
      expect(dense.size).to.equal(5);
      const sparse = createAdaptiveRange({ targetLogs: 5000, max: 10_000 });
      sparse.observe(1, 2);
      expect(sparse.size).to.equal(1250);
      const packed = createAdaptiveRange({ targetLogs: 5000 });
      packed.observe(1, 40_000); // one block above the target: ranges of one block
      expect(packed.size).to.equal(1);
    });

    it("should fall back to EMPTY_PROBE_RANGE blocks after an empty probe, within the largest range", () => {
      const quiet = createAdaptiveRange({ targetLogs: 5000, max: 10_000 });
      expect(quiet.size).to.equal(1);
      quiet.observe(1, 0);
      expect(quiet.size).to.equal(EMPTY_PROBE_RANGE);
      quiet.observe(EMPTY_PROBE_RANGE, 0); // and grows as before
      expect(quiet.size).to.equal(2 * EMPTY_PROBE_RANGE);
      const small = createAdaptiveRange({ targetLogs: 5000, max: 300 });
      small.observe(1, 0);
      expect(small.size).to.equal(300);
    });

    it("should size only once: the ranges after the probe adapt as with a first size", () => {
      const r = createAdaptiveRange({ targetLogs: 100, max: 10_000 });
      r.observe(1, 10); // 5 blocks for half the target
      expect(r.size).to.equal(5);
      r.observe(5, 10); // a sparser stretch: half way toward the target again, not a second probe
      expect(r.size).to.equal(25);
      r.observe(25, 1000); // too dense: shrink to the target
      expect(r.size).to.equal(2);
      expect(r.shrink()).to.equal(true);
      expect(r.size).to.equal(1);
      expect(r.shrink()).to.equal(false); // one block: nothing left to halve
    });
  });
});
