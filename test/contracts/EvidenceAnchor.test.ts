import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { participantsFixture, shuquanFixture } from "../helpers/fixture";
import { registerAsset } from "../helpers/assets";
import { evidenceTree, sha256Of } from "../helpers/evidence";
import { evidenceLeafHash } from "../../service/src/digest/evidence";

const CID = "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua";

describe("EvidenceAnchor", function () {
  /** Participants (seeded), a registry test double with one registered asset, and the anchor. */
  async function evidenceFixture() {
    const base = await participantsFixture();
    const registry = await (await ethers.getContractFactory("MockAssetRegistry")).deploy();
    const assetId = BigInt(sha256Of("dataset: shanghai taxi trips 2025"));
    await registry.setAsset(assetId, base.shde.address, base.alice.address);
    const anchor = await (await ethers.getContractFactory("EvidenceAnchor")).deploy(
      await base.participants.getAddress(),
      await registry.getAddress(),
    );
    // A small batch: three items, one of them referencing the asset.
    const small = evidenceTree([
      [sha256Of("delivery receipt #1"), 0n],
      [sha256Of("processing log 2026-11-27"), assetId],
      [sha256Of("audit record 17"), 0n],
    ]);
    return { ...base, registry, anchor, assetId, small };
  }

  /** The same, plus a 10,000-leaf batch built once (it takes a moment). */
  async function bigBatchFixture() {
    const f = await evidenceFixture();
    const items: [string, bigint][] = [];
    for (let i = 0; i < 10_000; i++) items.push([sha256Of(`record ${i}`), i % 7 === 0 ? f.assetId : 0n]);
    const big = evidenceTree(items);
    return { ...f, big, items };
  }

  describe("constructor", function () {
    context("when a dependency is the zero address", function () {
      it("should revert with EvidenceZeroAddress", async function () {
        const { participants } = await loadFixture(evidenceFixture);
        const factory = await ethers.getContractFactory("EvidenceAnchor");
        await expect(
          factory.deploy(ethers.ZeroAddress, await participants.getAddress()),
        ).to.be.revertedWithCustomError(factory, "EvidenceZeroAddress");
        await expect(
          factory.deploy(await participants.getAddress(), ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(factory, "EvidenceZeroAddress");
      });
    });

    it("should expose its dependencies and version 1.0.0", async function () {
      const { anchor, participants, registry } = await loadFixture(evidenceFixture);
      expect(await anchor.participants()).to.equal(await participants.getAddress());
      expect(await anchor.registry()).to.equal(await registry.getAddress());
      expect(await anchor.version()).to.equal("1.0.0");
    });
  });

  describe("anchor", function () {
    it("should store {exchange, anchoredAt, leafCount} under the root and emit EvidenceAnchored", async function () {
      const { anchor, shde, small } = await loadFixture(evidenceFixture);
      await expect(anchor.connect(shde).anchor(small.root, 3, CID, 0))
        .to.emit(anchor, "EvidenceAnchored")
        .withArgs(small.root, shde.address, 0, 3, CID);
      const b = await anchor.getBatch(shde.address, small.root);
      expect(b.exchange).to.equal(shde.address);
      expect(b.leafCount).to.equal(3);
      expect(b.anchoredAt).to.equal(await time.latest());
    });

    context("when the batch references a registered asset", function () {
      it("should emit the asset id", async function () {
        const { anchor, gzde, small, assetId } = await loadFixture(evidenceFixture);
        await expect(anchor.connect(gzde).anchor(small.root, 3, CID, assetId))
          .to.emit(anchor, "EvidenceAnchored")
          .withArgs(small.root, gzde.address, assetId, 3, CID);
      });
    });

    context("when the batch references an asset not registered yet (evidence deposited before registration)", function () {
      it("should anchor it and emit the asset id", async function () {
        const { anchor, shde, small } = await loadFixture(evidenceFixture);
        await expect(anchor.connect(shde).anchor(small.root, 3, CID, 42n))
          .to.emit(anchor, "EvidenceAnchored")
          .withArgs(small.root, shde.address, 42n, 3, CID);
      });
    });

    context("when the caller is not an accredited exchange", function () {
      it("should revert with EvidenceUnauthorized", async function () {
        const { anchor, outsider, alice, small } = await loadFixture(evidenceFixture);
        for (const who of [outsider, alice]) {
          await expect(anchor.connect(who).anchor(small.root, 3, CID, 0))
            .to.be.revertedWithCustomError(anchor, "EvidenceUnauthorized")
            .withArgs(who.address);
        }
      });
    });

    context("when the exchange is suspended", function () {
      it("should revert with EvidenceUnauthorized, and succeed again once reinstated", async function () {
        const { anchor, participants, regulator, shde, small } = await loadFixture(evidenceFixture);
        await participants.connect(regulator).suspendExchange(shde.address, "r");
        await expect(anchor.connect(shde).anchor(small.root, 3, CID, 0))
          .to.be.revertedWithCustomError(anchor, "EvidenceUnauthorized")
          .withArgs(shde.address);
        await participants.connect(regulator).reinstateExchange(shde.address, "r");
        await expect(anchor.connect(shde).anchor(small.root, 3, CID, 0)).to.emit(anchor, "EvidenceAnchored");
      });
    });

    context("when the root is zero", function () {
      it("should revert with EvidenceZeroRoot", async function () {
        const { anchor, shde } = await loadFixture(evidenceFixture);
        await expect(anchor.connect(shde).anchor(ethers.ZeroHash, 3, CID, 0)).to.be.revertedWithCustomError(
          anchor,
          "EvidenceZeroRoot",
        );
      });
    });

    context("when the leaf count is zero", function () {
      it("should revert with EvidenceEmptyBatch", async function () {
        const { anchor, shde, small } = await loadFixture(evidenceFixture);
        await expect(anchor.connect(shde).anchor(small.root, 0, CID, 0)).to.be.revertedWithCustomError(
          anchor,
          "EvidenceEmptyBatch",
        );
      });
    });

    context("when the manifest CID is empty", function () {
      it("should revert with EvidenceMissingManifest", async function () {
        const { anchor, shde, small } = await loadFixture(evidenceFixture);
        await expect(anchor.connect(shde).anchor(small.root, 3, "", 0)).to.be.revertedWithCustomError(
          anchor,
          "EvidenceMissingManifest",
        );
      });
    });

    context("when the root is already anchored", function () {
      it("should revert with EvidenceBatchExists when the same exchange anchors it again, and not for another exchange", async function () {
        const { anchor, shde, gzde, small } = await loadFixture(evidenceFixture);
        await anchor.connect(shde).anchor(small.root, 3, CID, 0);
        await expect(anchor.connect(shde).anchor(small.root, 3, CID, 0))
          .to.be.revertedWithCustomError(anchor, "EvidenceBatchExists")
          .withArgs(shde.address, small.root);
        await expect(anchor.connect(gzde).anchor(small.root, 3, CID, 0)).to.emit(anchor, "EvidenceAnchored");
      });
    });

    context("when the batch has 10,000 leaves", function () {
      it("should anchor it for the same gas as a 1-leaf batch", async function () {
        const { anchor, shde, big } = await loadFixture(bigBatchFixture);
        const one = evidenceTree([[sha256Of("single item"), 0n]]);
        const r1 = await (await anchor.connect(shde).anchor(one.root, 1, CID, 0)).wait();
        const r2 = await (await anchor.connect(shde).anchor(big.root, 10_000, CID, 0)).wait();
        // Only calldata bytes of the root differ; the stored slot and the event have the same shape.
        const diff = r1!.gasUsed > r2!.gasUsed ? r1!.gasUsed - r2!.gasUsed : r2!.gasUsed - r1!.gasUsed;
        expect(diff).to.be.lessThan(500n);
        expect((await anchor.getBatch(shde.address, big.root)).leafCount).to.equal(10_000);
      });
    });
  });

  describe("verify", function () {
    context("when the batch is anchored", function () {
      it("should accept the OpenZeppelin proof of every leaf", async function () {
        const { anchor, shde, small } = await loadFixture(evidenceFixture);
        await anchor.connect(shde).anchor(small.root, 3, CID, 0);
        for (const [i] of small.entries()) {
          expect(await anchor.verify(shde.address, small.root, small.leafHash(small.at(i)!), small.getProof(i))).to.equal(true);
        }
      });

      it("should reject a wrong proof", async function () {
        const { anchor, shde, small } = await loadFixture(evidenceFixture);
        await anchor.connect(shde).anchor(small.root, 3, CID, 0);
        const proof = small.getProof(0);
        expect(await anchor.verify(shde.address, small.root, small.leafHash(small.at(0)!), small.getProof(1))).to.equal(false);
        const tampered = [...proof];
        tampered[0] = ethers.keccak256(tampered[0]);
        expect(await anchor.verify(shde.address, small.root, small.leafHash(small.at(0)!), tampered)).to.equal(false);
        expect(await anchor.verify(shde.address, small.root, small.leafHash(small.at(0)!), [])).to.equal(false);
      });

      it("should reject a leaf that is not in the batch", async function () {
        const { anchor, shde, small } = await loadFixture(evidenceFixture);
        await anchor.connect(shde).anchor(small.root, 3, CID, 0);
        const stranger = await anchor.leafOf(sha256Of("not anchored"), 0);
        expect(await anchor.verify(shde.address, small.root, stranger, small.getProof(0))).to.equal(false);
      });

      it("should reject a valid proof checked against another batch (wrong root)", async function () {
        const { anchor, shde, small, big } = await loadFixture(bigBatchFixture);
        await anchor.connect(shde).anchor(small.root, 3, CID, 0);
        await anchor.connect(shde).anchor(big.root, 10_000, CID, 0);
        expect(await anchor.verify(shde.address, big.root, small.leafHash(small.at(0)!), small.getProof(0))).to.equal(false);
        expect(await anchor.verify(shde.address, small.root, big.leafHash(big.at(0)!), big.getProof(0))).to.equal(false);
      });

      it("should verify proofs from a 10,000-leaf batch", async function () {
        const { anchor, shde, big } = await loadFixture(bigBatchFixture);
        await anchor.connect(shde).anchor(big.root, 10_000, CID, 0);
        for (const i of [0, 1, 4_999, 7_777, 9_999]) {
          const proof = big.getProof(i);
          expect(proof.length).to.be.within(13, 14); // ceil(log2(10,000)) = 14
          expect(await anchor.verify(shde.address, big.root, big.leafHash(big.at(i)!), proof)).to.equal(true);
        }
      });
    });

    context("when the batch is unknown", function () {
      it("should revert with EvidenceBatchNotFound", async function () {
        const { anchor, shde, small } = await loadFixture(evidenceFixture);
        await expect(anchor.verify(shde.address, small.root, small.leafHash(small.at(0)!), small.getProof(0)))
          .to.be.revertedWithCustomError(anchor, "EvidenceBatchNotFound")
          .withArgs(shde.address, small.root);
      });
    });
  });

  describe("verifyItem", function () {
    it("should accept (itemDigest, assetId) with its proof, and reject a wrong asset id", async function () {
      const { anchor, shde, small, assetId, big, items } = await loadFixture(bigBatchFixture);
      await anchor.connect(shde).anchor(small.root, 3, CID, 0);
      await anchor.connect(shde).anchor(big.root, 10_000, CID, 0);
      for (const [i, [digest, asset]] of small.entries()) {
        expect(await anchor.verifyItem(shde.address, small.root, digest, asset, small.getProof(i))).to.equal(true);
      }
      const [d1, a1] = small.at(1)!;
      expect(a1).to.equal(assetId);
      expect(await anchor.verifyItem(shde.address, small.root, d1, 0, small.getProof(1))).to.equal(false);
      // a leaf of the big tree, looked up by value as the service does
      const [d, a] = items[7_000];
      const index = [...big.entries()].find(([, v]) => v[0] === d)![0];
      expect(await anchor.verifyItem(shde.address, big.root, d, a, big.getProof(index))).to.equal(true);
    });

    it("should revert with EvidenceBatchNotFound for an unknown batch", async function () {
      const { anchor, shde, small } = await loadFixture(evidenceFixture);
      const [d, a] = small.at(0)!;
      await expect(anchor.verifyItem(shde.address, small.root, d, a, small.getProof(0)))
        .to.be.revertedWithCustomError(anchor, "EvidenceBatchNotFound")
        .withArgs(shde.address, small.root);
    });
  });

  describe("getBatch", function () {
    it("should revert with EvidenceBatchNotFound for an unknown batch", async function () {
      const { anchor, shde } = await loadFixture(evidenceFixture);
      const root = ethers.id("nothing");
      await expect(anchor.getBatch(shde.address, root)).to.be.revertedWithCustomError(anchor, "EvidenceBatchNotFound").withArgs(shde.address, root);
    });
  });

  describe("leafOf", function () {
    it("should equal the @openzeppelin/merkle-tree standard leaf over [bytes32, uint256]", async function () {
      const { anchor, assetId } = await loadFixture(evidenceFixture);
      const item = sha256Of("x");
      const tree = StandardMerkleTree.of([[item, assetId]], ["bytes32", "uint256"]);
      expect(await anchor.leafOf(item, assetId)).to.equal(tree.leafHash([item, assetId]));
      expect(await anchor.leafOf(item, assetId)).to.equal(
        ethers.keccak256(
          ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [item, assetId])),
        ),
      );
    });

    it("should equal the service's shared encoding (service/src/digest)", async function () {
      const { anchor, assetId } = await loadFixture(evidenceFixture);
      const item = sha256Of("y");
      expect(await anchor.leafOf(item, assetId)).to.equal(evidenceLeafHash(item as `0x${string}`, assetId));
      expect(await anchor.leafOf(item, 0)).to.equal(evidenceLeafHash(item as `0x${string}`));
    });
  });

  describe("with the real DataAssetRegistry", function () {
    async function wiredFixture() {
      const f = await shuquanFixture();
      const assetId = await registerAsset(f.registry, f.shde, f.alice.address, "evidence subject");
      return { ...f, assetId };
    }

    it("should anchor a batch referencing a registered asset, and verify an item of it", async function () {
      const { evidence, gzde, assetId } = await loadFixture(wiredFixture);
      const tree = evidenceTree([
        [sha256Of("delivery receipt"), assetId],
        [sha256Of("usage log"), assetId],
      ]);
      await expect(evidence.connect(gzde).anchor(tree.root, 2, CID, assetId))
        .to.emit(evidence, "EvidenceAnchored")
        .withArgs(tree.root, gzde.address, assetId, 2, CID);
      const [d, a] = tree.at(1)!;
      expect(await evidence.verifyItem(gzde.address, tree.root, d, a, tree.getProof(1))).to.equal(true);
    });

    it("should anchor evidence of an asset before it is registered, and keep its proof valid after registration", async function () {
      const { evidence, registry, shde, alice } = await loadFixture(wiredFixture);
      const label = "dataset deposited before registration";
      const future = sha256Of(`content:${label}`); // the content digest registerAsset will register
      const tree = evidenceTree([[sha256Of("deposit receipt"), BigInt(future)]]);
      await expect(evidence.connect(shde).anchor(tree.root, 1, CID, BigInt(future)))
        .to.emit(evidence, "EvidenceAnchored")
        .withArgs(tree.root, shde.address, BigInt(future), 1, CID);
      expect(await registry.exists(BigInt(future))).to.equal(false);
      await registerAsset(registry, shde, alice.address, label);
      expect(await registry.exists(BigInt(future))).to.equal(true);
      const [d, a] = tree.at(0)!;
      expect(await evidence.verifyItem(shde.address, tree.root, d, a, tree.getProof(0))).to.equal(true);
    });
  });
});
