/**
 * Issue 9, small findings 4, 5 and 9: each `it` reproduced its finding before the fix.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { shuquanFixture, Right, digest, ADMIN_DELAY } from "../../helpers/fixture";
import { registerAsset } from "../../helpers/assets";
import { evidenceTree, sha256Of } from "../../helpers/evidence";

const CID = "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua";
const SCOPE = digest("scope:analytics");
const U32_MAX = 2n ** 32n - 1n;

describe("Issue 9: small findings", function () {
  describe("finding 5: exclusivity at the uint32 cap", function () {
    it("should refuse an exclusive licence starting at or after 2^32-1 while a longer non-exclusive one is in force", async function () {
      const f = await loadFixture(shuquanFixture);
      const id = await registerAsset(f.registry, f.shde, f.alice, "cap");
      const now = BigInt(await time.latest());
      const base = { scopeDigest: SCOPE, exclusive: false, sublicensable: false, revocable: true };
      await f.registry.connect(f.alice).grantLicence(id, f.bob.address, Right.Processing, { ...base, start: now, end: 2n ** 36n });
      const exclusive = { ...base, exclusive: true, start: U32_MAX + 10n, end: U32_MAX + 1000n };
      await expect(f.registry.connect(f.alice).grantLicence(id, f.carol.address, Right.Processing, exclusive))
        .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict")
        .withArgs(id, Right.Processing);
      // Exactly at the cap, too.
      await expect(f.registry.connect(f.alice).grantLicence(id, f.carol.address, Right.Processing, { ...exclusive, start: U32_MAX }))
        .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict");
    });

    it("should still allow an exclusive licence after a non-exclusive one that ends below the cap", async function () {
      const f = await loadFixture(shuquanFixture);
      const id = await registerAsset(f.registry, f.shde, f.alice, "cap-ok");
      const now = BigInt(await time.latest());
      const base = { scopeDigest: SCOPE, exclusive: false, sublicensable: false, revocable: true };
      await f.registry.connect(f.alice).grantLicence(id, f.bob.address, Right.Processing, { ...base, start: now, end: now + 100n });
      await expect(
        f.registry.connect(f.alice).grantLicence(id, f.carol.address, Right.Processing, { ...base, exclusive: true, start: now + 100n, end: now + 200n }),
      ).to.emit(f.registry, "LicenceGranted");
    });
  });

  describe("finding 9a: the governor role moves with the default-admin handover", function () {
    it("should take GOVERNOR_ROLE from the old admin and give it to the new one", async function () {
      const f = await loadFixture(shuquanFixture);
      const role = await f.participants.GOVERNOR_ROLE();
      const next = f.signers[12];
      await f.participants.connect(f.regulator).beginDefaultAdminTransfer(next.address);
      await time.increase(ADMIN_DELAY + 1n);
      await expect(f.participants.connect(next).acceptDefaultAdminTransfer())
        .to.emit(f.participants, "RoleRevoked").withArgs(role, f.regulator.address, next.address);
      expect(await f.participants.hasRole(role, f.regulator.address)).to.equal(false);
      expect(await f.participants.hasRole(role, next.address)).to.equal(true);
      expect(await f.participants.isRegulator(f.regulator.address)).to.equal(false);
      await expect(f.participants.connect(f.regulator).suspendExchange(f.shde.address, "old admin"))
        .to.be.revertedWithCustomError(f.participants, "ParticipantsUnauthorized");
      await expect(f.participants.connect(next).suspendExchange(f.shde.address, "new admin")).to.emit(f.participants, "ExchangeSuspended");
    });
  });

  describe("finding 9b: the regulator cannot lift an exchange's own suspension", function () {
    it("should keep a merchant suspended by its home after the regulator lifts only its own hold", async function () {
      const f = await loadFixture(shuquanFixture);
      await f.participants.connect(f.shde).suspendMerchant(f.alice.address, "home: unpaid fees");
      await f.participants.connect(f.regulator).suspendMerchant(f.alice.address, "regulator: investigation");
      await expect(f.participants.connect(f.regulator).reinstateMerchant(f.alice.address, "investigation closed"))
        .to.emit(f.participants, "MerchantSuspensionLifted").withArgs(f.alice.address, f.regulator.address, true, "investigation closed")
        .and.not.to.emit(f.participants, "MerchantReinstated");
      expect(await f.participants.isActiveMerchant(f.alice.address)).to.equal(false);
      const m = await f.participants.getMerchant(f.alice.address);
      expect(m.heldByRegulator).to.equal(false);
      expect(m.suspendedByHome).to.equal(true);
      await expect(f.participants.connect(f.shde).reinstateMerchant(f.alice.address, "fees paid")).to.emit(f.participants, "MerchantReinstated");
      expect(await f.participants.isActiveMerchant(f.alice.address)).to.equal(true);
    });

    it("should refuse the regulator's reinstatement of a merchant only its home suspended", async function () {
      const f = await loadFixture(shuquanFixture);
      await f.participants.connect(f.shde).suspendMerchant(f.alice.address, "home");
      await expect(f.participants.connect(f.regulator).reinstateMerchant(f.alice.address, "no"))
        .to.be.revertedWithCustomError(f.participants, "ParticipantsNotHomeExchange");
    });

    it("should keep a merchant suspended by the regulator after its home lifts its own suspension", async function () {
      const f = await loadFixture(shuquanFixture);
      await f.participants.connect(f.shde).suspendMerchant(f.alice.address, "home");
      await f.participants.connect(f.regulator).suspendMerchant(f.alice.address, "regulator");
      await f.participants.connect(f.shde).reinstateMerchant(f.alice.address, "home lifts its part");
      expect(await f.participants.isActiveMerchant(f.alice.address)).to.equal(false);
      await expect(f.participants.connect(f.shde).reinstateMerchant(f.alice.address, "again"))
        .to.be.revertedWithCustomError(f.participants, "ParticipantsMerchantHeldByRegulator");
      await f.participants.connect(f.regulator).reinstateMerchant(f.alice.address, "regulator lifts");
      expect(await f.participants.isActiveMerchant(f.alice.address)).to.equal(true);
    });
  });

  describe("finding 9c: isLicensed for past instants after a re-grant", function () {
    it("should not answer false for an instant an earlier licence covered: it reverts, naming the licence", async function () {
      const f = await loadFixture(shuquanFixture);
      const id = await registerAsset(f.registry, f.shde, f.alice, "history");
      const t0 = BigInt(await time.latest()) + 1n;
      const terms = { scopeDigest: SCOPE, exclusive: false, sublicensable: false, revocable: true };
      await f.registry.connect(f.alice).grantLicence(id, f.bob.address, Right.Processing, { ...terms, start: t0, end: t0 + 100n });
      expect(await f.registry.isLicensed(id, f.bob.address, Right.Processing, t0 + 50n)).to.equal(true);
      await time.increaseTo(t0 + 200n);
      await f.registry.connect(f.alice).grantLicence(id, f.bob.address, Right.Processing, { ...terms, start: t0 + 300n, end: t0 + 400n });
      const licenceId = await f.registry.licenceIdOf(id, f.bob.address, Right.Processing);
      await expect(f.registry.isLicensed(id, f.bob.address, Right.Processing, t0 + 50n))
        .to.be.revertedWithCustomError(f.registry, "RegistryLicenceHistoryNotKept")
        .withArgs(licenceId, t0 + 50n);
      // The current licence's own instants are answered.
      expect(await f.registry.isLicensed(id, f.bob.address, Right.Processing, t0 + 350n)).to.equal(true);
      expect(await f.registry.isLicensed(id, f.bob.address, Right.Processing, t0 + 450n)).to.equal(false);
    });

    it("should answer false before the first licence of a grantee (nothing was overwritten)", async function () {
      const f = await loadFixture(shuquanFixture);
      const id = await registerAsset(f.registry, f.shde, f.alice, "history-first");
      const now = BigInt(await time.latest());
      await f.registry.connect(f.alice).grantLicence(id, f.bob.address, Right.Processing, { scopeDigest: SCOPE, start: now + 10n, end: now + 100n, exclusive: false, sublicensable: false, revocable: true });
      expect(await f.registry.isLicensed(id, f.bob.address, Right.Processing, now)).to.equal(false);
    });
  });

  describe("finding 4: evidence batches are keyed by (exchange, root)", function () {
    it("should let an exchange anchor its root after a rival anchored the same root first", async function () {
      const f = await loadFixture(shuquanFixture);
      const tree = evidenceTree([[sha256Of("receipt 1"), 0n], [sha256Of("receipt 2"), 0n]]);
      await f.evidence.connect(f.gzde).anchor(tree.root, 99, "bafyrival", 0n);
      await expect(f.evidence.connect(f.shde).anchor(tree.root, 2, CID, 0n))
        .to.emit(f.evidence, "EvidenceAnchored").withArgs(tree.root, f.shde.address, 0n, 2, CID);
      const mine = await f.evidence.getBatch(f.shde.address, tree.root);
      expect(mine.exchange).to.equal(f.shde.address);
      expect(mine.leafCount).to.equal(2n);
      const rival = await f.evidence.getBatch(f.gzde.address, tree.root);
      expect(rival.leafCount).to.equal(99n);
      const [item, assetId] = tree.at(0)!;
      expect(await f.evidence.verifyItem(f.shde.address, tree.root, item, assetId, tree.getProof(0))).to.equal(true);
      // The rival's batch has the same root, so the same proof checks against it: the verifier names whom it trusts.
      expect(await f.evidence.verifyItem(f.gzde.address, tree.root, item, assetId, tree.getProof(0))).to.equal(true);
      await expect(f.evidence.connect(f.shde).anchor(tree.root, 2, CID, 0n))
        .to.be.revertedWithCustomError(f.evidence, "EvidenceBatchExists").withArgs(f.shde.address, tree.root);
      await expect(f.evidence.getBatch(f.bob.address, tree.root))
        .to.be.revertedWithCustomError(f.evidence, "EvidenceBatchNotFound").withArgs(f.bob.address, tree.root);
    });
  });
});
