import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { decodeCursor, encodeCursor } from "../../../service/src/api/pagination";
import { periodLabel, quartile } from "../../../service/src/api/queries/stats";
import { PriceSummary, QUANTILE_RELATIVE_ACCURACY, significant } from "../../../service/src/store/price-sketch";
import { withinAccuracy } from "../../helpers/price-accuracy";
import { buildTreeFromLeaves, processProof, treeProof, treeRoot } from "../../../service/src/api/queries/evidence-tree-cache";
import { ApiError } from "../../../service/src/api/errors";
import { buildEvidenceTree, sha256Hex } from "../../../service/src/digest";

describe("API helpers", () => {
  describe("quartile", () => {
    it("should interpolate exactly between closest ranks (R-7)", () => {
      const v = [1n, 2n, 3n, 4n].map((x) => x * 10n);
      expect([0, 1, 2, 3, 4].map((k) => quartile(v, k as 0 | 1 | 2 | 3 | 4))).to.deep.equal(["10", "17.5", "25", "32.5", "40"]);
      expect(quartile([5n], 2)).to.equal("5");
      expect(quartile([1n, 2n], 1)).to.equal("1.25");
      const big = (1n << 127n) + 1n;
      expect(quartile([big, big + 2n], 2)).to.equal((big + 1n).toString());
    });
  });

  describe("PriceSummary", () => {
    /** Deterministic prices: zeros, small, mid-range and beyond 2^53 up to uint128's range, with repeats. */
    const prices = (n: number, seed: number): bigint[] => {
      let x = seed;
      const next = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31);
      return Array.from({ length: n }, () => {
        const r = next() % 10;
        if (r === 0) return 0n;
        if (r < 4) return BigInt(1 + (next() % 50)); // where rounding a quartile to whole units would break 1 %
        if (r < 8) return BigInt(next()) * 1000n + BigInt(next() % 1000);
        return (BigInt(next()) << 96n) + BigInt(next()); // ~2^127
      });
    };
    const exact = (v: readonly bigint[]) => {
      const s = [...v].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return [0, 1, 2, 3, 4].map((k) => quartile(s, k as 0 | 1 | 2 | 3 | 4));
    };

    it("should keep count, sum, min and max exact and each quartile within the stated accuracy", () => {
      expect(QUANTILE_RELATIVE_ACCURACY).to.equal(0.01);
      for (const [n, seed] of [[1, 1], [2, 2], [3, 3], [7, 4], [100, 5], [5000, 6]] as const) {
        const v = prices(n, seed);
        const s = new PriceSummary();
        for (const p of v) s.add(p.toString(), 1);
        expect([s.count, s.volume]).to.deep.equal([n, v.reduce((a, b) => a + b, 0n)]);
        const want = exact(v);
        expect([s.quartile(0), s.quartile(4)]).to.deep.equal([want[0], want[4]]);
        for (const k of [1, 2, 3] as const) expect(withinAccuracy(s.quartile(k), want[k]!), `n ${n} q${k}: ${s.quartile(k)} against ${want[k]}`).to.equal(true);
      }
    });

    it("should be exact when every price is the same, and count a trade's weight", () => {
      const s = new PriceSummary();
      s.add("123456789012345678901234567890", 3);
      expect([0, 1, 2, 3, 4].map((k) => s.quartile(k as 0))).to.deep.equal(Array(5).fill("123456789012345678901234567890"));
      expect(s.volume).to.equal(3n * 123456789012345678901234567890n);
      expect(() => new PriceSummary().quartile(2)).to.throw("no values");
      expect(() => new PriceSummary().encode()).to.throw("empty");
    });

    it("should merge stored summaries into what adding every price gives (bucket counts add up)", () => {
      const v = prices(3000, 9);
      const whole = new PriceSummary();
      for (const p of v) whole.add(p.toString(), 1);
      const merged = new PriceSummary();
      for (let i = 0; i < v.length; i += 250) {
        const part = new PriceSummary();
        for (const p of v.slice(i, i + 250).reverse()) part.add(p.toString(), 1);
        merged.merge(JSON.parse(JSON.stringify(part.encode())));
      }
      expect(merged.encode()).to.deep.equal(whole.encode());
      expect([0, 1, 2, 3, 4].map((k) => merged.quartile(k as 0))).to.deep.equal([0, 1, 2, 3, 4].map((k) => whole.quartile(k as 0)));
      const sketch = JSON.parse(whole.encode().sketch) as number[];
      expect(sketch[0]).to.equal(v.filter((p) => p === 0n).length);
      expect(sketch[2]).to.be.greaterThan(0);
      expect(sketch[sketch.length - 1]).to.be.greaterThan(0);
      expect(sketch.length).to.be.lessThan(5000); // ~47 buckets a factor of e: bounded by the range, not the count
    });

    it("should print estimates to 6 significant digits as plain decimals", () => {
      expect([0, 1, 0.25, 5985.123456, 123456.7, 1.5e-7, 3.402823669209385e38].map(significant)).to.deep.equal([
        "0", "1", "0.25", "5985.12", "123457", "0.00000015", "340282000000000000000000000000000000000",
      ]);
    });
  });

  describe("periodLabel", () => {
    it("should label UTC periods, with ISO weeks", () => {
      const t = Date.UTC(2026, 0, 1, 12) / 1000; // Thursday 1 January 2026
      expect(["day", "week", "month", "quarter", "year"].map((p) => periodLabel(t, p as "day"))).to.deep.equal(["2026-01-01", "2026-W01", "2026-01", "2026-Q1", "2026"]);
      expect(periodLabel(Date.UTC(2027, 0, 1) / 1000, "week")).to.equal("2026-W53");
    });
  });

  describe("cursor", () => {
    it("should round-trip and reject foreign cursors with a 400 on query.cursor", () => {
      expect(decodeCursor(encodeCursor([40, 2, 31337]), 3)).to.deep.equal([40, 2, 31337]);
      for (const bad of ["x", encodeCursor([1]), Buffer.from('{"a":1}').toString("base64url")]) {
        try {
          decodeCursor(bad, 3);
          expect.fail("accepted");
        } catch (e) {
          expect(e).to.be.instanceOf(ApiError);
          expect((e as ApiError).field).to.equal("query.cursor");
        }
      }
    });
  });

  describe("evidence tree from stored leaves", () => {
    it("should equal OpenZeppelin's StandardMerkleTree for every size and proof", () => {
      for (const n of [1, 2, 3, 5, 8, 33]) {
        const items = Array.from({ length: n }, (_, i) => ({ digest: sha256Hex(`item ${n}/${i}`), assetId: i % 2 ? 7n : 0n }));
        const oz = buildEvidenceTree(items);
        const dump = oz.dump();
        const leaves = dump.values.map((v) => ({ treeIndex: v.treeIndex, leafHash: oz.leafHash(v.value) }));
        const t = buildTreeFromLeaves(leaves);
        expect(treeRoot(t)).to.equal(oz.root);
        for (let i = 0; i < n; i++) {
          const proof = treeProof(t, dump.values[i]!.treeIndex);
          expect(proof).to.deep.equal(oz.getProof(i));
          expect(processProof(leaves[i]!.leafHash, proof)).to.equal(oz.root);
          expect(StandardMerkleTree.verify(oz.root, ["bytes32", "uint256"], dump.values[i]!.value, proof)).to.equal(true);
        }
      }
    });

    it("should refuse leaves that do not fill the leaf positions", () => {
      expect(() => buildTreeFromLeaves([{ treeIndex: 0, leafHash: sha256Hex("a") }, { treeIndex: 2, leafHash: sha256Hex("b") }])).to.throw(/bad tree index/);
    });
  });
});
