import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { buildEvidenceTree, datasetDigest, evidenceLeafHash, formatAssetId, sha256Hex } from "../../../service/src/digest";

/** The fast tree builder must give exactly what @openzeppelin/merkle-tree's `StandardMerkleTree.of` gives. */
describe("digest: fast standard-tree builder equals StandardMerkleTree.of", () => {
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100];
  for (const n of sizes) {
    it(`evidence tree of ${n} item(s): root, layout, leaf hashes and proofs`, () => {
      const items = Array.from({ length: n }, (_, i) => ({ digest: sha256Hex(`item ${n}/${i}`), assetId: i % 3 === 0 ? 0n : BigInt(i) * 977n }));
      const values = items.map((i) => [i.digest, formatAssetId(i.assetId)] as [string, string]);
      const ours = buildEvidenceTree(items);
      const oz = StandardMerkleTree.of(values, ["bytes32", "uint256"]);
      expect(ours.root).to.equal(oz.root);
      expect(ours.dump()).to.deep.equal(oz.dump());
      for (let i = 0; i < n; i++) {
        expect(ours.getProof(i)).to.deep.equal(oz.getProof(i));
        expect(evidenceLeafHash(values[i]![0], values[i]![1])).to.equal(oz.leafHash(values[i]!));
        expect(ours.getProof(values[i]!)).to.deep.equal(oz.getProof(i));
      }
    });
  }

  it("keeps duplicate values in the library's (stable) order", () => {
    const d = sha256Hex("dup");
    const values: [string, string][] = [[d, formatAssetId(0n)], [sha256Hex("x"), formatAssetId(0n)], [d, formatAssetId(0n)]];
    expect(buildEvidenceTree(values.map(([digest]) => ({ digest }))).dump()).to.deep.equal(StandardMerkleTree.of(values, ["bytes32", "uint256"]).dump());
  });

  it("dataset tree over (string, bytes32), including empty, multi-word and non-ASCII paths", () => {
    const paths = ["a", "b/c.csv", "x".repeat(31) + "/y", "z".repeat(32), "w".repeat(64), "数据/2025年/一月.csv", "é/ü/ß", " spaced name.txt"];
    const files = paths.map((p) => ({ path: p, digest: sha256Hex(p) }));
    const oz = StandardMerkleTree.of(files.map((f) => [f.path, f.digest]), ["string", "bytes32"]);
    const ours = datasetDigest(files);
    expect(ours.root).to.equal(oz.root);
    expect(ours.tree.dump()).to.deep.equal(oz.dump());
  });

  it("builds 100,000 leaves and all their proofs in seconds", function () {
    this.timeout(120_000);
    const n = 100_000;
    const items = Array.from({ length: n }, (_, i) => ({ digest: sha256Hex(`record ${i}`) }));
    const t = Date.now();
    const tree = buildEvidenceTree(items);
    let total = 0;
    for (let i = 0; i < n; i++) total += tree.getProof(i).length;
    const ms = Date.now() - t;
    expect(total).to.be.greaterThan(n * 16);
    expect(ms).to.be.lessThan(60_000);
    // spot-check against the library's verifier
    for (const i of [0, 1, 4242, n - 1]) {
      expect(StandardMerkleTree.verify(tree.root, ["bytes32", "uint256"], [items[i]!.digest, formatAssetId(0n)], tree.getProof(i))).to.equal(true);
    }
  });
});
