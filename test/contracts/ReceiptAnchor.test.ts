import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { participantsFixture } from "../helpers/fixture";
import { sha256Of } from "../helpers/evidence";
import {
  RECEIPT_LEAF_ENCODING,
  buildReceiptManifest,
  buildReceiptTree,
  inputsRoot,
  receiptLeafHash,
  receiptValue,
  type ProcessingReceipt,
} from "../../service/src/digest/receipt";

const CID = "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua";

function receiptOf(licensee: string, i: number): ProcessingReceipt {
  return {
    licenceId: sha256Of(`licence ${i % 3}`),
    licensee: licensee.toLowerCase(),
    purposeDigest: sha256Of("scenario: traffic-flow model training"),
    inputsRoot: inputsRoot([sha256Of(`input ${i}`), sha256Of(`input ${i + 1}`)]),
    outputDigest: sha256Of(`output ${i}`),
    parametersDigest: sha256Of(`{"epochs":${i}}`),
    start: 1_780_000_000 + i * 60,
    end: 1_780_000_000 + i * 60 + 30,
  };
}

describe("ReceiptAnchor", function () {
  async function receiptFixture() {
    const base = await participantsFixture();
    const anchor = await (await ethers.getContractFactory("ReceiptAnchor")).deploy(await base.participants.getAddress());
    const receipts = [0, 1, 2, 3, 4].map((i) => receiptOf(base.bob.address, i));
    const tree = buildReceiptTree(receipts);
    return { ...base, anchor, receipts, tree };
  }

  describe("leaf encoding", function () {
    it("should equal @openzeppelin/merkle-tree's StandardMerkleTree and ReceiptAnchor.leafOf", async function () {
      const { anchor, receipts, tree } = await loadFixture(receiptFixture);
      const reference = StandardMerkleTree.of(receipts.map(receiptValue), [...RECEIPT_LEAF_ENCODING]);
      expect(tree.root).to.equal(reference.root);
      for (const r of receipts) {
        expect(receiptLeafHash(r)).to.equal(reference.leafHash(receiptValue(r)));
        expect(await anchor.leafOf(r)).to.equal(receiptLeafHash(r));
      }
    });

    it("should make the inputs root a standard tree over [bytes32] of the input digests", function () {
      const inputs = [sha256Of("a"), sha256Of("b"), sha256Of("c")];
      const reference = StandardMerkleTree.of(inputs.map((d) => [d]), ["bytes32"]);
      expect(inputsRoot(inputs)).to.equal(reference.root);
      expect(inputsRoot([...inputs].reverse())).to.equal(reference.root);
      expect(() => inputsRoot([])).to.throw(/at least one input/);
    });

    it("should refuse a manifest receipt whose inputsRoot is not its inputs' root, or a duplicate", function () {
      const r = receiptOf(ethers.ZeroAddress, 1);
      const { inputsRoot: _given, ...rest } = r;
      void _given;
      expect(() => buildReceiptManifest([{ ...r, inputs: [sha256Of("other")] }])).to.throw(/not the root of its inputs/);
      const ok = { ...rest, inputs: [sha256Of("input 1"), sha256Of("input 2")] };
      expect(buildReceiptManifest([ok]).manifest.receipts[0].inputsRoot).to.equal(r.inputsRoot);
      expect(() => buildReceiptManifest([ok, ok])).to.throw(/listed twice/);
    });
  });

  describe("constructor", function () {
    it("should refuse a zero participant registry and expose its configuration", async function () {
      const { anchor, participants } = await loadFixture(receiptFixture);
      const factory = await ethers.getContractFactory("ReceiptAnchor");
      await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "ReceiptZeroAddress");
      expect(await anchor.participants()).to.equal(await participants.getAddress());
      expect(await anchor.version()).to.equal("1.0.0");
    });
  });

  describe("anchor", function () {
    context("when the caller is an active merchant (the licensee)", function () {
      it("should store the batch and emit ReceiptsAnchored", async function () {
        const { anchor, bob, tree } = await loadFixture(receiptFixture);
        await expect(anchor.connect(bob).anchor(tree.root, 5, CID)).to.emit(anchor, "ReceiptsAnchored").withArgs(tree.root, bob.address, 5, CID);
        const b = await anchor.getBatch(tree.root);
        expect(b.submitter).to.equal(bob.address);
        expect(b.leafCount).to.equal(5);
        expect(b.anchoredAt).to.equal(await time.latest());
      });
    });

    context("when the caller is an active exchange (an operating domain)", function () {
      it("should anchor", async function () {
        const { anchor, shde, tree } = await loadFixture(receiptFixture);
        await expect(anchor.connect(shde).anchor(tree.root, 5, CID)).to.emit(anchor, "ReceiptsAnchored");
      });
    });

    context("when the caller is no active participant", function () {
      it("should revert with ReceiptUnauthorized", async function () {
        const { anchor, outsider, participants, regulator, bob, tree } = await loadFixture(receiptFixture);
        await expect(anchor.connect(outsider).anchor(tree.root, 5, CID)).to.be.revertedWithCustomError(anchor, "ReceiptUnauthorized").withArgs(outsider.address);
        await participants.connect(regulator).suspendMerchant(bob.address, "audit");
        await expect(anchor.connect(bob).anchor(tree.root, 5, CID)).to.be.revertedWithCustomError(anchor, "ReceiptUnauthorized");
      });
    });

    context("when the input is malformed", function () {
      it("should refuse a zero root, an empty batch, a missing manifest and a second anchor of one root", async function () {
        const { anchor, bob, tree } = await loadFixture(receiptFixture);
        await expect(anchor.connect(bob).anchor(ethers.ZeroHash, 5, CID)).to.be.revertedWithCustomError(anchor, "ReceiptZeroRoot");
        await expect(anchor.connect(bob).anchor(tree.root, 0, CID)).to.be.revertedWithCustomError(anchor, "ReceiptEmptyBatch");
        await expect(anchor.connect(bob).anchor(tree.root, 5, "")).to.be.revertedWithCustomError(anchor, "ReceiptMissingManifest");
        await anchor.connect(bob).anchor(tree.root, 5, CID);
        await expect(anchor.connect(bob).anchor(tree.root, 5, CID)).to.be.revertedWithCustomError(anchor, "ReceiptBatchExists").withArgs(tree.root);
      });
    });
  });

  describe("setOperator", function () {
    it("should record the licensee's operator, and refuse a zero operator or no change", async function () {
      const { anchor, bob, shde } = await loadFixture(receiptFixture);
      await expect(anchor.connect(bob).setOperator(shde.address, true)).to.emit(anchor, "ReceiptOperatorSet").withArgs(bob.address, shde.address, true);
      expect(await anchor.isOperator(bob.address, shde.address)).to.equal(true);
      await expect(anchor.connect(bob).setOperator(shde.address, true)).to.be.revertedWithCustomError(anchor, "ReceiptOperatorUnchanged");
      await expect(anchor.connect(bob).setOperator(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(anchor, "ReceiptZeroAddress");
      await anchor.connect(bob).setOperator(shde.address, false);
      expect(await anchor.isOperator(bob.address, shde.address)).to.equal(false);
    });
  });

  describe("verify / verifyReceipt", function () {
    it("should verify each receipt of the batch and refuse an altered one", async function () {
      const { anchor, bob, receipts, tree } = await loadFixture(receiptFixture);
      await anchor.connect(bob).anchor(tree.root, 5, CID);
      for (let i = 0; i < receipts.length; i++) {
        const proof = tree.getProof(i);
        expect(await anchor.verifyReceipt(tree.root, receipts[i], proof)).to.equal(true);
        expect(await anchor.verify(tree.root, receiptLeafHash(receipts[i]), proof)).to.equal(true);
      }
      const altered = { ...receipts[0], end: receipts[0].end + 1 };
      expect(await anchor.verifyReceipt(tree.root, altered, tree.getProof(0))).to.equal(false);
    });

    it("should revert with ReceiptBatchNotFound for an unknown batch", async function () {
      const { anchor, receipts, tree } = await loadFixture(receiptFixture);
      await expect(anchor.verifyReceipt(tree.root, receipts[0], tree.getProof(0))).to.be.revertedWithCustomError(anchor, "ReceiptBatchNotFound").withArgs(tree.root);
      await expect(anchor.getBatch(tree.root)).to.be.revertedWithCustomError(anchor, "ReceiptBatchNotFound");
    });
  });

  describe("gas", function () {
    // Absolute figures are the gas bench's (bench/results/gas.md); coverage instrumentation inflates them here.
    it("should cost the same to anchor 1 or 100,000 receipts (but for the count's calldata bytes)", async function () {
      const { anchor, bob } = await loadFixture(receiptFixture);
      const used: bigint[] = [];
      for (const [i, n] of [[1, 1], [2, 100_000]] as const) {
        const root = sha256Of(`root ${i}`);
        used.push((await (await anchor.connect(bob).anchor(root, n, CID)).wait())!.gasUsed);
      }
      expect(used[1] - used[0]).to.be.lessThanOrEqual(64n); // two more non-zero calldata bytes in the count
    });
  });
});
