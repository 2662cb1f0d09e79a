import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AssetSource, DataLevel, Right, digest, shuquanFixture } from "../helpers/fixture";
import { licenceTerms, registerAsset, tradeOf } from "../helpers/assets";
import { signCrossBorderTrade, signTrade, typeHash, domainOf } from "../helpers/signing";
import { CROSS_BORDER_TRADE_TYPES, crossBorderTradeMessage, destinationBytes2, type CrossBorderTermsValue } from "../../service/src/digest";

const Mechanism = { None: 0, SecurityAssessment: 1, StandardContract: 2, Certification: 3, Exemption: 4 } as const;
const HK = destinationBytes2("HK");

describe("TradeRecorder — cross-border trades (数据出境)", function () {
  async function crossBorderFixture() {
    const f = await shuquanFixture();
    const register = (label: string, source: number, level: number) =>
      registerAsset(f.registry, f.shde, f.alice.address, label, {
        source,
        level,
        consentDigest: source === AssetSource.Personal ? digest(`consent ${label}`) : ethers.ZeroHash,
      });
    const general = await register("general enterprise data", AssetSource.Enterprise, DataLevel.General);
    const important = await register("important enterprise data", AssetSource.Enterprise, DataLevel.Important);
    const personal = await register("personal data", AssetSource.Personal, DataLevel.General);
    const core = await register("core data", AssetSource.Public, DataLevel.Core);
    return { ...f, general, important, personal, core };
  }

  const terms = (mechanism: number, filing = mechanism === Mechanism.None ? ethers.ZeroHash : digest("filing no. 2026-0042"), destination = HK): CrossBorderTermsValue => ({
    mechanism,
    filingDigest: filing,
    destination,
  });

  async function crossTrade(f: Awaited<ReturnType<typeof crossBorderFixture>>, assetId: bigint, t: CrossBorderTermsValue) {
    const stateNonce = (await f.registry.getAsset(assetId)).stateNonce;
    const trade = await tradeOf(f.shde.address, assetId, f.alice.address, f.carol.address, Right.Holding, { stateNonce });
    const sig = await signCrossBorderTrade(f.alice, f.tradeRecorder, trade, t);
    const buyerSig = await signCrossBorderTrade(f.carol, f.tradeRecorder, trade, t);
    return { trade, sig, buyerSig, call: () => f.tradeRecorder.connect(f.shde).recordCrossBorderTrade(trade, t, sig, buyerSig) };
  }

  it("should declare the EIP-712 type the helpers sign and hash it as ethers does", async function () {
    const f = await loadFixture(crossBorderFixture);
    expect(await f.tradeRecorder.CROSS_BORDER_TRADE_TYPEHASH()).to.equal(typeHash(CROSS_BORDER_TRADE_TYPES, "CrossBorderTrade"));
    const trade = await tradeOf(f.shde.address, f.general, f.alice.address, f.carol.address);
    const t = terms(Mechanism.StandardContract);
    expect(await f.tradeRecorder.hashCrossBorderTrade(trade, t)).to.equal(
      ethers.TypedDataEncoder.hash(await domainOf(f.tradeRecorder), CROSS_BORDER_TRADE_TYPES, crossBorderTradeMessage(trade, t)),
    );
  });

  it("should record a cross-border trade, move the right and emit TradeRecorded then CrossBorderTradeRecorded", async function () {
    const f = await loadFixture(crossBorderFixture);
    const t = terms(Mechanism.SecurityAssessment);
    const { trade, call } = await crossTrade(f, f.important, t);
    await expect(call())
      .to.emit(f.tradeRecorder, "TradeRecorded")
      .and.to.emit(f.tradeRecorder, "CrossBorderTradeRecorded")
      .withArgs(trade.tradeId, f.important, Mechanism.SecurityAssessment, t.filingDigest, HK);
    expect(await f.registry.ownerOf(f.important)).to.equal(f.carol.address);
    expect(await f.tradeRecorder.isRecorded(trade.tradeId)).to.equal(true);
  });

  it("should let general non-personal data leave without a mechanism", async function () {
    const f = await loadFixture(crossBorderFixture);
    await expect((await crossTrade(f, f.general, terms(Mechanism.None))).call()).to.emit(f.tradeRecorder, "CrossBorderTradeRecorded");
  });

  it("should let personal data leave under a standard contract, and important data under an exemption", async function () {
    const f = await loadFixture(crossBorderFixture);
    await expect((await crossTrade(f, f.personal, terms(Mechanism.StandardContract))).call()).to.emit(f.tradeRecorder, "CrossBorderTradeRecorded");
    await expect((await crossTrade(f, f.important, terms(Mechanism.Exemption))).call()).to.emit(f.tradeRecorder, "CrossBorderTradeRecorded");
  });

  context("when an important asset has no mechanism, or only a standard contract or certification", function () {
    it("should revert with TradeCrossBorderMechanismRequired", async function () {
      const f = await loadFixture(crossBorderFixture);
      for (const m of [Mechanism.None, Mechanism.StandardContract, Mechanism.Certification]) {
        await expect((await crossTrade(f, f.important, terms(m))).call())
          .to.be.revertedWithCustomError(f.tradeRecorder, "TradeCrossBorderMechanismRequired")
          .withArgs(f.important, m);
      }
    });
  });

  context("when a personal-source asset has no mechanism", function () {
    it("should revert with TradeCrossBorderMechanismRequired", async function () {
      const f = await loadFixture(crossBorderFixture);
      await expect((await crossTrade(f, f.personal, terms(Mechanism.None))).call())
        .to.be.revertedWithCustomError(f.tradeRecorder, "TradeCrossBorderMechanismRequired")
        .withArgs(f.personal, Mechanism.None);
    });
  });

  context("when the asset is core-level", function () {
    it("should revert with TradeCrossBorderCoreData whatever the mechanism", async function () {
      const f = await loadFixture(crossBorderFixture);
      for (const m of [Mechanism.SecurityAssessment, Mechanism.Exemption]) {
        await expect((await crossTrade(f, f.core, terms(m))).call()).to.be.revertedWithCustomError(f.tradeRecorder, "TradeCrossBorderCoreData").withArgs(f.core);
      }
    });
  });

  context("when the cross-border terms are malformed", function () {
    it("should revert with TradeCrossBorderInvalidTerms", async function () {
      const f = await loadFixture(crossBorderFixture);
      const bad = [
        terms(Mechanism.StandardContract, digest("filing"), "0x0000"), // no destination
        terms(Mechanism.StandardContract, digest("filing"), destinationBytes2("CN")), // not abroad
        terms(Mechanism.StandardContract, ethers.ZeroHash), // a mechanism without its filing
        terms(Mechanism.None, digest("filing")), // a filing without a mechanism
      ];
      for (const t of bad) await expect((await crossTrade(f, f.general, t)).call()).to.be.revertedWithCustomError(f.tradeRecorder, "TradeCrossBorderInvalidTerms");
      expect(() => destinationBytes2("hk")).to.throw(/ISO 3166-1/);
    });
  });

  context("when the seller signed other terms", function () {
    it("should refuse a domestic signature, or one over another destination", async function () {
      const f = await loadFixture(crossBorderFixture);
      const trade = await tradeOf(f.shde.address, f.general, f.alice.address, f.carol.address);
      const none = terms(Mechanism.None);
      const buyerSig = await signCrossBorderTrade(f.carol, f.tradeRecorder, trade, none);
      const domestic = await signTrade(f.alice, f.tradeRecorder, trade);
      await expect(f.tradeRecorder.connect(f.shde).recordCrossBorderTrade(trade, none, domestic, buyerSig))
        .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
        .withArgs(f.alice.address);
      const toSg = await signCrossBorderTrade(f.alice, f.tradeRecorder, trade, terms(Mechanism.None, ethers.ZeroHash, destinationBytes2("SG")));
      await expect(f.tradeRecorder.connect(f.shde).recordCrossBorderTrade(trade, none, toSg, buyerSig)).to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature");
      // and a cross-border signature (of both parties) cannot be recorded as a domestic trade
      const cross = await signCrossBorderTrade(f.alice, f.tradeRecorder, trade, none);
      await expect(f.tradeRecorder.connect(f.shde).recordTrade(trade, cross, buyerSig))
        .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
        .withArgs(f.alice.address);
    });
  });

  context("when the buyer did not accept these cross-border terms", function () {
    it("should refuse a missing acceptance, the buyer's domestic acceptance, one over another destination or mechanism, or the seller's signature twice", async function () {
      const f = await loadFixture(crossBorderFixture);
      const t = terms(Mechanism.StandardContract);
      const { trade, sig } = await crossTrade(f, f.personal, t);
      const record = (buyerSig: string) => f.tradeRecorder.connect(f.shde).recordCrossBorderTrade(trade, t, sig, buyerSig);
      const rejects = [
        "0x",
        await signTrade(f.carol, f.tradeRecorder, trade),
        await signCrossBorderTrade(f.carol, f.tradeRecorder, trade, terms(Mechanism.StandardContract, t.filingDigest, destinationBytes2("SG"))),
        await signCrossBorderTrade(f.carol, f.tradeRecorder, trade, terms(Mechanism.Certification, t.filingDigest)),
        sig,
      ];
      for (const buyerSig of rejects) {
        await expect(record(buyerSig)).to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature").withArgs(f.carol.address);
      }
      expect(await f.registry.ownerOf(f.personal)).to.equal(f.alice.address);
      expect(await f.tradeRecorder.isRecorded(trade.tradeId)).to.equal(false);
      await expect(record(await signCrossBorderTrade(f.carol, f.tradeRecorder, trade, t))).to.emit(f.tradeRecorder, "CrossBorderTradeRecorded");
      expect(await f.registry.ownerOf(f.personal)).to.equal(f.carol.address);
    });
  });

  context("when the asset's rights changed after both signed (a licence came in between)", function () {
    it("should revert a holding transfer abroad with RegistryStateChanged, and record it once both sign the new state", async function () {
      const f = await loadFixture(crossBorderFixture);
      const t = terms(Mechanism.SecurityAssessment);
      const stale = await crossTrade(f, f.important, t);
      await f.registry.connect(f.alice).grantLicence(f.important, f.bob.address, Right.Processing, await licenceTerms());
      await expect(stale.call())
        .to.be.revertedWithCustomError(f.registry, "RegistryStateChanged")
        .withArgs(f.important, stale.trade.stateNonce, BigInt(stale.trade.stateNonce) + 1n);
      // the buyer's acceptance binds the state too: a buyer signature at the old nonce does not cover the new one
      const fresh = { ...stale.trade, tradeId: (await tradeOf(f.shde.address, f.important, f.alice.address, f.carol.address)).tradeId, stateNonce: (await f.registry.getAsset(f.important)).stateNonce };
      const sellerNew = await signCrossBorderTrade(f.alice, f.tradeRecorder, fresh, t);
      await expect(f.tradeRecorder.connect(f.shde).recordCrossBorderTrade(fresh, t, sellerNew, stale.buyerSig))
        .to.be.revertedWithCustomError(f.tradeRecorder, "TradeInvalidSignature")
        .withArgs(f.carol.address);
      await expect(f.tradeRecorder.connect(f.shde).recordCrossBorderTrade(fresh, t, sellerNew, await signCrossBorderTrade(f.carol, f.tradeRecorder, fresh, t)))
        .to.emit(f.tradeRecorder, "CrossBorderTradeRecorded")
        .withArgs(fresh.tradeId, f.important, Mechanism.SecurityAssessment, t.filingDigest, HK);
      expect(await f.registry.ownerOf(f.important)).to.equal(f.carol.address);
    });
  });

  it("should leave domestic trades as they were: recordTrade emits no CrossBorderTradeRecorded", async function () {
    const f = await loadFixture(crossBorderFixture);
    const trade = await tradeOf(f.shde.address, f.important, f.alice.address, f.bob.address);
    await expect(f.tradeRecorder.connect(f.shde).recordTrade(trade, await signTrade(f.alice, f.tradeRecorder, trade), await signTrade(f.bob, f.tradeRecorder, trade)))
      .to.emit(f.tradeRecorder, "TradeRecorded")
      .and.not.to.emit(f.tradeRecorder, "CrossBorderTradeRecorded");
  });
});
