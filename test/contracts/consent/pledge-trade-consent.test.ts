/**
 * Issue 9, findings 1 (pledge consent bound to the holder and the asset's state), 8 (the buyer signs) and 7 (a pledge
 * protects the lender, and is enforced through a recorded trade): each first `it` of a block reproduced its finding
 * before the fix.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { shuquanFixture, MerchantCategory, PledgeStatus, Right, digest } from "../../helpers/fixture";
import { licenceTerms, recordTrade, registerAsset, registrationOf, tradeOf } from "../../helpers/assets";
import { currency, signPledge, signTrade, type PledgeTermsValue } from "../../helpers/signing";
import { signedOnboard, signedRegister } from "../../helpers/consent";
import { signEnforcementAcceptance } from "../../helpers/pledges";

const DAY = 86_400n;
type Fixture = Awaited<ReturnType<typeof shuquanFixture>>;

/** Terms for a pledge of `assetId` held by `holder` to the lender, naming the asset's current state. */
async function pledgeTerms(f: Fixture, assetId: bigint, holder: string, overrides: Partial<PledgeTermsValue> = {}): Promise<PledgeTermsValue> {
  const now = BigInt(await time.latest());
  return {
    assetId,
    holder,
    lender: f.lender.address,
    amount: 1_000_000n,
    currency: currency("CNY"),
    start: now,
    end: now + 30n * DAY,
    agreementDigest: digest("pledge agreement"),
    stateNonce: (await f.registry.getAsset(assetId)).stateNonce,
    nonce: await f.pledges.nonces(holder),
    deadline: now + DAY,
    ...overrides,
  };
}

/** Registers a pledge of alice's new asset `label`; returns the asset and pledge ids and the terms. */
async function pledged(f: Fixture, label: string, overrides: Partial<PledgeTermsValue> = {}) {
  const assetId = await registerAsset(f.registry, f.shde, f.alice.address, label);
  const terms = await pledgeTerms(f, assetId, f.alice.address, overrides);
  await f.pledges.connect(f.lender).registerPledge(terms, await signPledge(f.alice, f.pledges, terms));
  return { assetId, pledgeId: await f.pledges.activePledgeOf(assetId), terms };
}

describe("Issue 9: consent to pledges and trades; a pledge that protects the lender", function () {
  describe("finding 1: pledge consent is bound to the holder and the asset's state", function () {
    it("should not let a cancelled EOA consent pledge the asset once it sits in a wallet that EOA controls", async function () {
      const f = await loadFixture(shuquanFixture);
      const wallet = await ethers.deployContract("MockERC1271Wallet", [f.alice.address]);
      const walletAddress = await wallet.getAddress();
      await signedOnboard(f.participants, f.shde, walletAddress, MerchantCategory.DataResource, digest("credential:wallet"), f.alice);
      const assetId = await registerAsset(f.registry, f.shde, f.alice.address, "moves to the wallet");
      const terms = await pledgeTerms(f, assetId, f.alice.address);
      const sig = await signPledge(f.alice, f.pledges, terms);
      await f.pledges.connect(f.alice).cancelConsent(); // alice withdraws the consent
      // the asset moves to alice's wallet (the wallet accepts through ERC-1271: alice signs for it)
      const t = await tradeOf(f.shde.address, assetId, f.alice.address, walletAddress, Right.Holding, { stateNonce: terms.stateNonce });
      await recordTrade(f.tradeRecorder, f.shde, f.alice, t, f.alice);
      expect(await f.registry.ownerOf(assetId)).to.equal(walletAddress);
      // the wallet's nonce is 0 like alice's was: replaying alice's consent must not pledge the wallet's asset
      await expect(f.pledges.connect(f.lender).registerPledge(terms, sig))
        .to.be.revertedWithCustomError(f.pledges, "PledgeHolderMismatch").withArgs(f.alice.address, walletAddress);
      await expect(f.pledges.connect(f.lender).registerPledge({ ...terms, holder: walletAddress }, sig))
        .to.be.revertedWithCustomError(f.pledges, "PledgeInvalidSignature");
    });

    it("should refuse a consent given for an earlier state of the asset", async function () {
      const f = await loadFixture(shuquanFixture);
      const assetId = await registerAsset(f.registry, f.shde, f.alice.address, "state moves");
      const terms = await pledgeTerms(f, assetId, f.alice.address);
      const sig = await signPledge(f.alice, f.pledges, terms);
      await f.registry.connect(f.alice).grantLicence(assetId, f.bob.address, Right.Processing, await licenceTerms(10));
      await expect(f.pledges.connect(f.lender).registerPledge(terms, sig))
        .to.be.revertedWithCustomError(f.pledges, "PledgeStateChanged").withArgs(assetId, terms.stateNonce, BigInt(terms.stateNonce) + 1n);
    });
  });

  describe("finding 8: the buyer accepts the terms and the asset's state", function () {
    it("should refuse a holding trade after the seller slipped in a licence between agreement and recording", async function () {
      const f = await loadFixture(shuquanFixture);
      const assetId = await registerAsset(f.registry, f.shde, f.alice.address, "slip");
      const t = await tradeOf(f.shde.address, assetId, f.alice.address, f.bob.address);
      const sellerSig = await signTrade(f.alice, f.tradeRecorder, t);
      const buyerSig = await signTrade(f.bob, f.tradeRecorder, t);
      // the seller grants an accomplice a perpetual irrevocable exclusive licence before the exchange records
      const now = BigInt(await time.latest());
      await f.registry.connect(f.alice).grantLicence(assetId, f.carol.address, Right.Processing, { scopeDigest: digest("s"), start: now, end: 2n ** 39n, exclusive: true, sublicensable: false, revocable: false });
      await expect(f.tradeRecorder.connect(f.shde).recordTrade(t, sellerSig, buyerSig))
        .to.be.revertedWithCustomError(f.registry, "RegistryStateChanged").withArgs(assetId, t.stateNonce, BigInt(t.stateNonce) + 1n);
      expect(await f.registry.ownerOf(assetId)).to.equal(f.alice.address);
    });

    it("should refuse a trade the buyer did not sign, and one it signed with other terms", async function () {
      const f = await loadFixture(shuquanFixture);
      const assetId = await registerAsset(f.registry, f.shde, f.alice.address, "buyer signs");
      const t = await tradeOf(f.shde.address, assetId, f.alice.address, f.bob.address);
      const sellerSig = await signTrade(f.alice, f.tradeRecorder, t);
      await expect(f.tradeRecorder.connect(f.shde).recordTrade(t, sellerSig, "0x"))
        .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature").withArgs(f.bob.address);
      const cheaper = await signTrade(f.bob, f.tradeRecorder, { ...t, price: 1n });
      await expect(f.tradeRecorder.connect(f.shde).recordTrade(t, sellerSig, cheaper))
        .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature").withArgs(f.bob.address);
      await expect(f.tradeRecorder.connect(f.shde).recordTrade(t, sellerSig, await signTrade(f.bob, f.tradeRecorder, t))).to.emit(f.tradeRecorder, "TradeRecorded");
      expect(await f.registry.ownerOf(assetId)).to.equal(f.bob.address);
    });
  });

  describe("finding 7: what a pledge blocks", function () {
    it("should refuse irrevocable licences and licences outlasting the pledge term while pledged", async function () {
      const f = await loadFixture(shuquanFixture);
      const { assetId, terms } = await pledged(f, "pledged: licences");
      const now = BigInt(await time.latest());
      const base = { scopeDigest: digest("s"), start: now, exclusive: false, sublicensable: false };
      await expect(f.registry.connect(f.alice).grantLicence(assetId, f.bob.address, Right.Processing, { ...base, end: now + DAY, revocable: false }))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetPledged").withArgs(assetId);
      await expect(f.registry.connect(f.alice).grantLicence(assetId, f.bob.address, Right.Processing, { ...base, end: BigInt(terms.end) + 1n, revocable: true }))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetPledged").withArgs(assetId);
      await expect(f.registry.connect(f.alice).grantLicence(assetId, f.bob.address, Right.Processing, { ...base, end: BigInt(terms.end), revocable: true }))
        .to.emit(f.registry, "LicenceGranted");
    });

    it("should refuse deriving from a pledged asset without the lender's consent", async function () {
      const f = await loadFixture(shuquanFixture);
      const { assetId, pledgeId } = await pledged(f, "pledged: parent");
      const child = registrationOf(f.alice.address, "child of a pledged asset", { parents: [assetId] });
      await expect(signedRegister(f.registry, f.shde, child)).to.be.revertedWithCustomError(f.registry, "RegistryAssetPledged").withArgs(assetId);
      await expect(f.pledges.connect(f.alice).approveDerivation(pledgeId, child.contentDigest as string)).to.be.revertedWithCustomError(f.pledges, "PledgeUnauthorized");
      await expect(f.pledges.connect(f.lender).approveDerivation(pledgeId, child.contentDigest as string))
        .to.emit(f.pledges, "PledgeDerivationApproved").withArgs(pledgeId, assetId, f.lender.address, child.contentDigest);
      await expect(signedRegister(f.registry, f.shde, child)).to.emit(f.registry, "AssetRegistered");
    });
  });

  describe("finding 7: enforcement (质权实现)", function () {
    it("should let the lender enforce after default at term end, through a recorded trade, with the regulator able to object", async function () {
      const f = await loadFixture(shuquanFixture);
      const { assetId, pledgeId, terms } = await pledged(f, "pledged: enforced");
      await expect(f.pledges.connect(f.lender).declareDefault(pledgeId)).to.be.revertedWithCustomError(f.pledges, "PledgeNotDue");
      await time.increaseTo(BigInt(terms.end));
      await expect(f.pledges.connect(f.alice).declareDefault(pledgeId)).to.be.revertedWithCustomError(f.pledges, "PledgeUnauthorized");
      const window = await f.pledges.OBJECTION_WINDOW();
      await expect(f.pledges.connect(f.lender).declareDefault(pledgeId)).to.emit(f.pledges, "PledgeDefaultDeclared");
      await expect(f.pledges.connect(f.lender).enforcePledge(pledgeId, { to: f.lender.address, price: 0, currency: "0x000000", contractDigest: digest("enforcement") }, "0x"))
        .to.be.revertedWithCustomError(f.pledges, "PledgeObjectionWindowOpen");
      // the regulator objects: the pledge stands, not enforceable
      await expect(f.pledges.connect(f.regulator).objectToEnforcement(pledgeId, "disputed default"))
        .to.emit(f.pledges, "PledgeEnforcementObjected").withArgs(pledgeId, assetId, f.regulator.address, "disputed default");
      expect((await f.pledges.getPledge(pledgeId)).status).to.equal(PledgeStatus.Active);
      await f.pledges.connect(f.lender).declareDefault(pledgeId);
      await time.increase(window);
      await expect(f.pledges.connect(f.regulator).objectToEnforcement(pledgeId, "late")).to.be.revertedWithCustomError(f.pledges, "PledgeObjectionWindowClosed");
      const tradeId = await f.tradeRecorder.tradeIdOf(await f.pledges.getAddress(), pledgeId);
      await expect(f.pledges.connect(f.lender).enforcePledge(pledgeId, { to: f.lender.address, price: 0, currency: "0x000000", contractDigest: digest("enforcement") }, "0x"))
        .to.emit(f.pledges, "PledgeEnforced").withArgs(pledgeId, assetId, f.lender.address, f.lender.address, tradeId)
        .and.to.emit(f.tradeRecorder, "TradeRecorded")
        .and.to.emit(f.registry, "HoldingTransferred").withArgs(assetId, f.alice.address, f.lender.address, tradeId);
      expect(await f.registry.ownerOf(assetId)).to.equal(f.lender.address);
      expect((await f.pledges.getPledge(pledgeId)).status).to.equal(PledgeStatus.Enforced);
      expect((await f.registry.getAsset(assetId)).pledged).to.equal(false);
    });

    it("should enforce to a buyer only with the buyer's signed acceptance", async function () {
      const f = await loadFixture(shuquanFixture);
      const { assetId, pledgeId, terms } = await pledged(f, "pledged: sold");
      await time.increaseTo(BigInt(terms.end));
      await f.pledges.connect(f.lender).declareDefault(pledgeId);
      await time.increase(await f.pledges.OBJECTION_WINDOW());
      const price = 900_000n;
      const contract = digest("enforcement sale");
      await expect(f.pledges.connect(f.lender).enforcePledge(pledgeId, { to: f.carol.address, price, currency: currency("CNY"), contractDigest: contract }, "0x"))
        .to.be.revertedWithCustomError(f.pledges, "PledgeInvalidSignature").withArgs(f.carol.address);
      const sig = await signEnforcementAcceptance(f.carol as Signer, f.pledges, { pledgeId, buyer: f.carol.address, price, currency: currency("CNY"), contractDigest: contract });
      await expect(f.pledges.connect(f.lender).enforcePledge(pledgeId, { to: f.carol.address, price, currency: currency("CNY"), contractDigest: contract }, sig)).to.emit(f.pledges, "PledgeEnforced");
      expect(await f.registry.ownerOf(assetId)).to.equal(f.carol.address);
    });
  });
});
