import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { decodeCursor, encodeCursor } from "../../../service/src/api/pagination";
import { periodLabel, quartile } from "../../../service/src/api/queries/stats";
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
