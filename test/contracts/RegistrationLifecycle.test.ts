import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { DataAssetRegistry, RegistrationLifecycle } from "../../typechain-types";
import { Right, digest, shuquanFixture } from "../helpers/fixture";
import { licenceTerms, recordTrade, registerAsset, registrationOf, tradeOf } from "../helpers/assets";
import { currency, signPledge } from "../helpers/signing";
import { signedRegister } from "../helpers/consent";

const DAY = 86_400;
const Status = { Registered: 1, Notice: 2, Objected: 3, Refused: 4, Cancelled: 5 } as const;

/** The first UTC midnight at or after `t` + `days` days, as the contracts compute it. */
function midnightAfter(t: number, days: number): number {
  return Math.ceil((t + days * DAY) / DAY) * DAY;
}

/** shuquanFixture; SHDE practises a 10-day notice, a 3-year term and a 60-day renewal window; GZDE no notice,
 * a 1-year term and a 30-day window. Asset N (alice, SHDE) is under notice; asset G (carol, GZDE) is in force. */
async function lifecycleFixture() {
  const f = await shuquanFixture();
  await f.lifecycle.connect(f.shde).setTerms(10, 1095, 60);
  await f.lifecycle.connect(f.gzde).setTerms(0, 365, 30);
  const assetN = await registerAsset(f.registry, f.shde, f.alice.address, "N");
  const registeredN = await time.latest();
  const assetG = await registerAsset(f.registry, f.gzde, f.carol.address, "G");
  const registeredG = await time.latest();
  return { ...f, assetN, registeredN, assetG, registeredG };
}

type Fixture = Awaited<ReturnType<typeof lifecycleFixture>>;

async function statusOf(registry: DataAssetRegistry, assetId: bigint): Promise<[number, number]> {
  const a = await registry.getAsset(assetId);
  return [Number(a.status), Number(a.validUntil)];
}

async function passNotice(f: Fixture): Promise<void> {
  await time.increaseTo(midnightAfter(f.registeredN, 10));
}

async function objectAs(lifecycle: RegistrationLifecycle, who: { address: string }, assetId: bigint, own = false) {
  return lifecycle
    .connect(who as never)
    .object(assetId, digest(`grounds:${who.address}`), own, own ? digest("earlier registration at GZDE") : ethers.ZeroHash);
}

describe("RegistrationLifecycle", function () {
  describe("terms", function () {
    it("should store an exchange's terms and apply them to its next registrations", async function () {
      const f = await loadFixture(lifecycleFixture);
      const [seq, notice, term] = await f.registry.exchangeTerms(f.shde.address);
      expect([seq, notice, term]).to.deep.equal([1n, 10n, 1095n]);
      expect(await f.lifecycle.renewalWindowDays(f.shde.address)).to.equal(60n);
      await expect(f.lifecycle.connect(f.shde).setTerms(0, 30, 10))
        .to.emit(f.lifecycle, "ExchangeTermsSet")
        .withArgs(f.shde.address, 0, 30, 10);
      const id = await registerAsset(f.registry, f.shde, f.alice.address, "after");
      expect(await statusOf(f.registry, id)).to.deep.equal([Status.Registered, midnightAfter(await time.latest(), 30)]);
    });

    it("should refuse terms from a non-exchange, a notice over 365 days and a window longer than the term", async function () {
      const f = await loadFixture(lifecycleFixture);
      await expect(f.lifecycle.connect(f.alice).setTerms(0, 0, 0)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.shde).setTerms(366, 0, 0)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidTerms");
      await expect(f.lifecycle.connect(f.shde).setTerms(10, 30, 31)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidTerms");
      await expect(f.lifecycle.connect(f.shde).setTerms(10, 36_501, 0)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidTerms");
      await f.lifecycle.connect(f.shde).setTerms(365, 36_500, 36_500); // the limits themselves are allowed
      await expect(f.registry.connect(f.shde).setExchangeTerms(f.shde.address, 0, 0)).to.be.revertedWithCustomError(
        f.registry,
        "RegistryUnauthorized",
      );
    });
  });

  describe("public notice", function () {
    it("should start a registration under notice at an exchange that practises notice, in force at one that does not", async function () {
      const f = await loadFixture(lifecycleFixture);
      const r = registrationOf(f.alice.address, "announced");
      await expect(signedRegister(f.registry, f.shde, r))
        .to.emit(f.registry, "AssetStatusChanged")
        .withArgs(BigInt(r.contentDigest as string), Status.Notice, midnightAfter((await time.latest()) + 1, 10));
      expect(await statusOf(f.registry, f.assetN)).to.deep.equal([Status.Notice, midnightAfter(f.registeredN, 10)]);
      expect(await statusOf(f.registry, f.assetG)).to.deep.equal([Status.Registered, midnightAfter(f.registeredG, 365)]);
    });

    it("should refuse a trade, a licence and a derivation during the notice", async function () {
      const f = await loadFixture(lifecycleFixture);
      const trade = await tradeOf(f.shde.address, f.assetN, f.alice.address, f.bob.address);
      await expect(recordTrade(f.tradeRecorder, f.shde, f.alice, trade))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotInForce")
        .withArgs(f.assetN, Status.Notice);
      await expect(f.registry.connect(f.alice).grantLicence(f.assetN, f.bob.address, Right.Processing, await licenceTerms()))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotInForce");
      await expect(registerAsset(f.registry, f.shde, f.alice.address, "child", { parents: [f.assetN] }))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotInForce");
    });

    it("should refuse to close a notice before its end, then put the asset in force for the term from the notice's end", async function () {
      const f = await loadFixture(lifecycleFixture);
      await expect(f.lifecycle.closeNotice(f.assetN)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNoticeNotOver");
      await passNotice(f);
      const noticeEnd = midnightAfter(f.registeredN, 10);
      await expect(f.lifecycle.connect(f.outsider).closeNotice(f.assetN))
        .to.emit(f.lifecycle, "NoticeClosed")
        .withArgs(f.assetN, noticeEnd + 1095 * DAY)
        .and.to.emit(f.registry, "AssetStatusChanged")
        .withArgs(f.assetN, Status.Registered, noticeEnd + 1095 * DAY);
      await expect(f.lifecycle.closeNotice(f.assetN)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNotInNotice");
      const trade = await tradeOf(f.shde.address, f.assetN, f.alice.address, f.bob.address);
      await recordTrade(f.tradeRecorder, f.shde, f.alice, trade);
      expect(await f.registry.ownerOf(f.assetN)).to.equal(f.bob.address);
    });
  });

  describe("objections", function () {
    it("should record an objection with its grounds and own-earlier-right claim, and block closing the notice", async function () {
      const f = await loadFixture(lifecycleFixture);
      const id = await f.lifecycle.objectionIdOf(f.assetN, f.carol.address);
      await expect(objectAs(f.lifecycle, f.carol, f.assetN, true))
        .to.emit(f.lifecycle, "ObjectionLodged")
        .withArgs(f.assetN, id, f.carol.address, digest(`grounds:${f.carol.address}`), true, digest("earlier registration at GZDE"))
        .and.to.emit(f.registry, "AssetStatusChanged")
        .withArgs(f.assetN, Status.Objected, midnightAfter(f.registeredN, 10));
      const o = await f.lifecycle.getObjection(f.assetN, f.carol.address);
      expect([o.objector, o.state, o.ownEarlierRight]).to.deep.equal([f.carol.address, 1n, true]);
      expect(await f.lifecycle.openObjections(f.assetN)).to.equal(1n);
      await objectAs(f.lifecycle, f.gzde, f.assetN); // an exchange may object too; status stays Objected
      expect(await f.lifecycle.openObjections(f.assetN)).to.equal(2n);
      await passNotice(f);
      await expect(f.lifecycle.closeNotice(f.assetN)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleObjectionsOpen");
    });

    it("should refuse objections from outsiders, twice from one objector, without grounds, and after the notice", async function () {
      const f = await loadFixture(lifecycleFixture);
      await expect(objectAs(f.lifecycle, f.outsider, f.assetN)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.bob).object(f.assetN, ethers.ZeroHash, false, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidDigest");
      await expect(f.lifecycle.connect(f.bob).object(f.assetN, digest("g"), true, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidDigest");
      await objectAs(f.lifecycle, f.bob, f.assetN);
      await expect(objectAs(f.lifecycle, f.bob, f.assetN)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleObjectionExists");
      await expect(objectAs(f.lifecycle, f.shde, f.assetG)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNotInNotice");
      await passNotice(f);
      await expect(objectAs(f.lifecycle, f.carol, f.assetN)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNotInNotice");
    });

    it("should refuse the registration for good when an objection is upheld", async function () {
      const f = await loadFixture(lifecycleFixture);
      await objectAs(f.lifecycle, f.carol, f.assetN, true);
      await expect(f.lifecycle.connect(f.gzde).resolveObjection(f.assetN, f.carol.address, true, "not ours"))
        .to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      const id = await f.lifecycle.objectionIdOf(f.assetN, f.carol.address);
      await expect(f.lifecycle.connect(f.shde).resolveObjection(f.assetN, f.carol.address, true, "carol registered it first"))
        .to.emit(f.lifecycle, "ObjectionResolved")
        .withArgs(f.assetN, id, f.shde.address, true, false, "carol registered it first")
        .and.to.emit(f.registry, "AssetStatusChanged")
        .withArgs(f.assetN, Status.Refused, 0);
      await passNotice(f);
      await expect(f.lifecycle.closeNotice(f.assetN)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNotInNotice");
      await expect(f.registry.connect(f.alice).grantLicence(f.assetN, f.bob.address, Right.Processing, await licenceTerms()))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotInForce")
        .withArgs(f.assetN, Status.Refused);
      await expect(f.lifecycle.connect(f.regulator).cancel(f.assetN, "x")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleFinal");
      // the digest stays reserved
      await expect(registerAsset(f.registry, f.gzde, f.carol.address, "N")).to.be.revertedWithCustomError(f.registry, "RegistryDuplicateDigest");
    });

    it("should return to notice when the last objection is dismissed, and go in force when the notice is already over", async function () {
      const f = await loadFixture(lifecycleFixture);
      await objectAs(f.lifecycle, f.carol, f.assetN);
      await objectAs(f.lifecycle, f.bob, f.assetN);
      await f.lifecycle.connect(f.regulator).resolveObjection(f.assetN, f.carol.address, false, "no grounds");
      expect((await statusOf(f.registry, f.assetN))[0]).to.equal(Status.Objected);
      await expect(f.lifecycle.connect(f.regulator).resolveObjection(f.assetN, f.carol.address, false, "again"))
        .to.be.revertedWithCustomError(f.lifecycle, "LifecycleObjectionNotOpen");
      await f.lifecycle.connect(f.shde).resolveObjection(f.assetN, f.bob.address, false, "no grounds");
      expect(await statusOf(f.registry, f.assetN)).to.deep.equal([Status.Notice, midnightAfter(f.registeredN, 10)]);

      // a second asset: the objection outlives the notice, its dismissal puts the asset in force at once
      const late = await registerAsset(f.registry, f.shde, f.alice.address, "late");
      const t = await time.latest();
      await objectAs(f.lifecycle, f.carol, late);
      await time.increaseTo(midnightAfter(t, 12));
      await expect(f.lifecycle.connect(f.shde).resolveObjection(late, f.carol.address, false, "no grounds"))
        .to.emit(f.lifecycle, "NoticeClosed")
        .withArgs(late, midnightAfter(t, 10) + 1095 * DAY);
      expect((await statusOf(f.registry, late))[0]).to.equal(Status.Registered);
    });
  });

  describe("validity and renewal", function () {
    it("should refuse a trade and a licence of an expired registration until it is renewed", async function () {
      const f = await loadFixture(lifecycleFixture);
      const [, until] = await statusOf(f.registry, f.assetG);
      await time.increaseTo(until);
      const trade = await tradeOf(f.gzde.address, f.assetG, f.carol.address, f.dave.address);
      await expect(recordTrade(f.tradeRecorder, f.gzde, f.carol, trade))
        .to.be.revertedWithCustomError(f.registry, "RegistryRegistrationExpired")
        .withArgs(f.assetG, until);
      await expect(f.registry.connect(f.carol).grantLicence(f.assetG, f.dave.address, Right.Processing, await licenceTerms()))
        .to.be.revertedWithCustomError(f.registry, "RegistryRegistrationExpired");
      await expect(registerAsset(f.registry, f.gzde, f.carol.address, "child", { parents: [f.assetG] }))
        .to.be.revertedWithCustomError(f.registry, "RegistryRegistrationExpired");

      // a lapsed registration is renewed from today
      await time.increase(5 * DAY);
      const today = Math.floor((await time.latest()) / DAY) + 1; // the next block's day
      await expect(f.lifecycle.connect(f.carol).renew(f.assetG)).to.emit(f.lifecycle, "RegistrationRenewed");
      const [status, renewed] = await statusOf(f.registry, f.assetG);
      expect(status).to.equal(Status.Registered);
      expect(renewed).to.be.oneOf([(today - 1 + 365) * DAY, (today + 365) * DAY]);
      await recordTrade(f.tradeRecorder, f.gzde, f.carol, await tradeOf(f.gzde.address, f.assetG, f.carol.address, f.dave.address));
      expect(await f.registry.ownerOf(f.assetG)).to.equal(f.dave.address);
    });

    it("should refuse a renewal before the window opens, and extend from the old end inside it", async function () {
      const f = await loadFixture(lifecycleFixture);
      const [, until] = await statusOf(f.registry, f.assetG);
      await expect(f.lifecycle.connect(f.carol).renew(f.assetG))
        .to.be.revertedWithCustomError(f.lifecycle, "LifecycleOutsideRenewalWindow")
        .withArgs(f.assetG, until - 30 * DAY, until);
      await time.increaseTo(until - 30 * DAY);
      await expect(f.lifecycle.connect(f.gzde).renew(f.assetG))
        .to.emit(f.lifecycle, "RegistrationRenewed")
        .withArgs(f.assetG, f.gzde.address, until, until + 365 * DAY);
    });

    it("should refuse a renewal by others, of an asset under notice, and of a registration without a term", async function () {
      const f = await loadFixture(lifecycleFixture);
      await expect(f.lifecycle.connect(f.dave).renew(f.assetG)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.shde).renew(f.assetG)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.alice).renew(f.assetN)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNotInForce");
      await f.lifecycle.connect(f.gzde).setTerms(0, 0, 0);
      const open = await registerAsset(f.registry, f.gzde, f.carol.address, "open-ended");
      expect(await statusOf(f.registry, open)).to.deep.equal([Status.Registered, 0]);
      await expect(f.lifecycle.connect(f.carol).renew(open)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNoValidityTerm");
    });
  });

  describe("a shorter validity for one registration", function () {
    it("should let the registering exchange or the regulator shorten it, after which it expires at the new end", async function () {
      const f = await loadFixture(lifecycleFixture);
      const [, until] = await statusOf(f.registry, f.assetG);
      const limit = midnightAfter(await time.latest(), 30);
      await expect(f.lifecycle.connect(f.gzde).limitValidity(f.assetG, limit, "authorisation agreement ends"))
        .to.emit(f.lifecycle, "ValidityLimited")
        .withArgs(f.assetG, f.gzde.address, until, limit, "authorisation agreement ends")
        .and.to.emit(f.registry, "AssetStatusChanged")
        .withArgs(f.assetG, Status.Registered, limit);
      await f.lifecycle.connect(f.regulator).limitValidity(f.assetG, limit - DAY, "shorter still");
      await time.increaseTo(limit - DAY);
      await expect(f.registry.connect(f.carol).grantLicence(f.assetG, f.dave.address, Right.Processing, await licenceTerms()))
        .to.be.revertedWithCustomError(f.registry, "RegistryRegistrationExpired")
        .withArgs(f.assetG, limit - DAY);
    });

    it("should limit an open-ended registration, and refuse other exchanges, longer or past ends, odd times, no reason, and assets not in force", async function () {
      const f = await loadFixture(lifecycleFixture);
      const [, until] = await statusOf(f.registry, f.assetG);
      const now = await time.latest();
      const ok = midnightAfter(now, 30);
      await expect(f.lifecycle.connect(f.shde).limitValidity(f.assetG, ok, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.gzde).limitValidity(f.assetG, until + DAY, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidValidity");
      await expect(f.lifecycle.connect(f.gzde).limitValidity(f.assetG, ok + 3600, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidValidity");
      await expect(f.lifecycle.connect(f.gzde).limitValidity(f.assetG, midnightAfter(now, 0) - DAY, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidValidity");
      await expect(f.lifecycle.connect(f.gzde).limitValidity(f.assetG, ok, "")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleReasonRequired");
      await expect(f.lifecycle.connect(f.shde).limitValidity(f.assetN, ok, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNotInForce");
      await f.lifecycle.connect(f.gzde).setTerms(0, 0, 0);
      const open = await registerAsset(f.registry, f.gzde, f.carol.address, "open-ended");
      await expect(f.lifecycle.connect(f.gzde).limitValidity(open, 65_536 * DAY, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleInvalidValidity");
      await f.lifecycle.connect(f.gzde).limitValidity(open, ok, "public data: authorisation ends");
      expect(await statusOf(f.registry, open)).to.deep.equal([Status.Registered, ok]);
    });
  });

  describe("change and correction", function () {
    it("should record a holder's change and an exchange's or regulator's correction, with reasons", async function () {
      const f = await loadFixture(lifecycleFixture);
      await expect(f.lifecycle.connect(f.carol).change(f.assetG, digest("meta v2"), "bafyv2", "new fields"))
        .to.emit(f.lifecycle, "MetadataChanged")
        .withArgs(f.assetG, f.carol.address, false, digest("meta v2"), "bafyv2", "new fields");
      await expect(f.lifecycle.connect(f.gzde).correct(f.assetG, digest("meta v3"), "bafyv3", "typo in the summary"))
        .to.emit(f.lifecycle, "MetadataChanged")
        .withArgs(f.assetG, f.gzde.address, true, digest("meta v3"), "bafyv3", "typo in the summary");
      await expect(f.lifecycle.connect(f.regulator).correct(f.assetG, digest("meta v4"), "bafyv4", "source code")).to.emit(
        f.lifecycle,
        "MetadataChanged",
      );
    });

    it("should refuse a change by a non-holder, a correction by another exchange, and missing digest or reason", async function () {
      const f = await loadFixture(lifecycleFixture);
      await expect(f.lifecycle.connect(f.dave).change(f.assetG, digest("m"), "bafy", "mine now"))
        .to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized")
        .withArgs(f.dave.address);
      await expect(f.lifecycle.connect(f.gzde).change(f.assetG, digest("m"), "bafy", "r")).to.be.revertedWithCustomError(
        f.lifecycle,
        "LifecycleUnauthorized",
      );
      await expect(f.lifecycle.connect(f.shde).correct(f.assetG, digest("m"), "bafy", "r")).to.be.revertedWithCustomError(
        f.lifecycle,
        "LifecycleUnauthorized",
      );
      await expect(f.lifecycle.connect(f.carol).change(f.assetG, ethers.ZeroHash, "bafy", "r")).to.be.revertedWithCustomError(
        f.lifecycle,
        "LifecycleInvalidDigest",
      );
      await expect(f.lifecycle.connect(f.carol).change(f.assetG, digest("m"), "bafy", "")).to.be.revertedWithCustomError(
        f.lifecycle,
        "LifecycleReasonRequired",
      );
    });
  });

  describe("cancellation", function () {
    it("should cancel on the holder's request through the registering exchange, for good", async function () {
      const f = await loadFixture(lifecycleFixture);
      await expect(f.lifecycle.connect(f.gzde).cancel(f.assetG, "asked")).to.be.revertedWithCustomError(
        f.lifecycle,
        "LifecycleNoCancellationRequest",
      );
      await expect(f.lifecycle.connect(f.dave).requestCancellation(f.assetG, "not mine")).to.be.revertedWithCustomError(
        f.lifecycle,
        "LifecycleUnauthorized",
      );
      await expect(f.lifecycle.connect(f.carol).requestCancellation(f.assetG, ""))
        .to.be.revertedWithCustomError(f.lifecycle, "LifecycleReasonRequired");
      await expect(f.lifecycle.connect(f.carol).requestCancellation(f.assetG, "dataset withdrawn"))
        .to.emit(f.lifecycle, "CancellationRequested")
        .withArgs(f.assetG, f.carol.address, "dataset withdrawn");
      expect(await f.lifecycle.cancellationRequest(f.assetG)).to.equal(f.carol.address);
      await expect(f.lifecycle.connect(f.shde).cancel(f.assetG, "x")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.gzde).cancel(f.assetG, "on the holder's request"))
        .to.emit(f.lifecycle, "RegistrationCancelled")
        .withArgs(f.assetG, f.gzde.address, false, "on the holder's request")
        .and.to.emit(f.registry, "AssetStatusChanged")
        .withArgs(f.assetG, Status.Cancelled, 0);
      expect(await f.lifecycle.cancellationRequest(f.assetG)).to.equal(ethers.ZeroAddress);
      await expect(f.lifecycle.connect(f.regulator).cancel(f.assetG, "again")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleFinal");
      await expect(f.lifecycle.connect(f.carol).change(f.assetG, digest("m"), "bafy", "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleFinal");
      await expect(f.lifecycle.connect(f.carol).requestCancellation(f.assetG, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleFinal");
      await expect(f.lifecycle.connect(f.carol).renew(f.assetG)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNotInForce");
      expect(await f.registry.exists(f.assetG)).to.equal(true);
      await expect(registerAsset(f.registry, f.shde, f.alice.address, "G")).to.be.revertedWithCustomError(f.registry, "RegistryDuplicateDigest");
    });

    it("should refuse a cancelled asset as a parent, and a trade of it", async function () {
      const f = await loadFixture(lifecycleFixture);
      await f.lifecycle.connect(f.regulator).cancel(f.assetG, "unlawful source");
      await expect(registerAsset(f.registry, f.gzde, f.carol.address, "child", { parents: [f.assetG] }))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotInForce")
        .withArgs(f.assetG, Status.Cancelled);
      const trade = await tradeOf(f.gzde.address, f.assetG, f.carol.address, f.dave.address);
      await expect(recordTrade(f.tradeRecorder, f.gzde, f.carol, trade)).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotInForce");
    });

    it("should ignore a request once the asset has changed hands, and insist on a reason", async function () {
      const f = await loadFixture(lifecycleFixture);
      await f.lifecycle.connect(f.carol).requestCancellation(f.assetG, "withdrawn");
      await recordTrade(f.tradeRecorder, f.gzde, f.carol, await tradeOf(f.gzde.address, f.assetG, f.carol.address, f.dave.address));
      await expect(f.lifecycle.connect(f.gzde).cancel(f.assetG, "x")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleNoCancellationRequest");
      await expect(f.lifecycle.connect(f.gzde).cancel(f.assetG, "")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleReasonRequired");
    });

    it("should refuse the exchange's cancellation of a pledged asset, but not the regulator's", async function () {
      const f = await loadFixture(lifecycleFixture);
      const now = await time.latest();
      const terms = {
        assetId: f.assetG,
        holder: f.carol.address,
        lender: f.lender.address,
        amount: 1_000_000n,
        currency: currency("CNY"),
        start: now,
        end: now + 100 * DAY,
        agreementDigest: digest("pledge agreement"),
        stateNonce: (await f.registry.getAsset(f.assetG)).stateNonce,
        nonce: await f.pledges.nonces(f.carol.address),
        deadline: now + DAY,
      };
      await f.pledges.connect(f.lender).registerPledge(terms, await signPledge(f.carol, f.pledges, terms));
      await f.lifecycle.connect(f.carol).requestCancellation(f.assetG, "withdrawn");
      await expect(f.lifecycle.connect(f.gzde).cancel(f.assetG, "asked")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleAssetPledged");
      await expect(f.lifecycle.connect(f.regulator).cancel(f.assetG, "court order"))
        .to.emit(f.lifecycle, "RegistrationCancelled")
        .withArgs(f.assetG, f.regulator.address, true, "court order");
    });
  });

  describe("who may act", function () {
    it("should refuse zero addresses at construction", async function () {
      const f = await loadFixture(lifecycleFixture);
      const factory = await ethers.getContractFactory("RegistrationLifecycle");
      const p = await f.participants.getAddress();
      const r = await f.registry.getAddress();
      await expect(factory.deploy(ethers.ZeroAddress, r)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleZeroAddress");
      await expect(factory.deploy(p, ethers.ZeroAddress)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleZeroAddress");
    });

    it("should refuse a suspended holder's change, renewal and cancellation request", async function () {
      const f = await loadFixture(lifecycleFixture);
      const [, until] = await statusOf(f.registry, f.assetG);
      await time.increaseTo(until - DAY);
      await f.participants.connect(f.gzde).suspendMerchant(f.carol.address, "documents expired");
      await expect(f.lifecycle.connect(f.carol).change(f.assetG, digest("m"), "bafy", "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.carol).renew(f.assetG)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.carol).requestCancellation(f.assetG, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
    });

    it("should refuse a suspended exchange's correction, renewal, resolution and terms, but not the regulator's", async function () {
      const f = await loadFixture(lifecycleFixture);
      await objectAs(f.lifecycle, f.carol, f.assetN);
      await f.participants.connect(f.regulator).suspendExchange(f.shde.address, "audit");
      await expect(f.lifecycle.connect(f.shde).correct(f.assetN, digest("m"), "bafy", "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.shde).resolveObjection(f.assetN, f.carol.address, false, "r")).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.shde).setTerms(0, 0, 0)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await f.participants.connect(f.regulator).suspendExchange(f.gzde.address, "audit");
      await expect(f.lifecycle.connect(f.gzde).renew(f.assetG)).to.be.revertedWithCustomError(f.lifecycle, "LifecycleUnauthorized");
      await expect(f.lifecycle.connect(f.regulator).resolveObjection(f.assetN, f.carol.address, true, "upheld by the regulator"))
        .to.emit(f.lifecycle, "ObjectionResolved")
        .withArgs(f.assetN, await f.lifecycle.objectionIdOf(f.assetN, f.carol.address), f.regulator.address, true, true, "upheld by the regulator");
    });

    it("should refuse resolving when no objection is open, and any step on an unknown asset", async function () {
      const f = await loadFixture(lifecycleFixture);
      await expect(f.lifecycle.connect(f.shde).resolveObjection(f.assetN, f.carol.address, false, "r"))
        .to.be.revertedWithCustomError(f.lifecycle, "LifecycleNotInNotice")
        .withArgs(f.assetN, Status.Notice, midnightAfter(f.registeredN, 10));
      await expect(f.lifecycle.closeNotice(12345n)).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound");
      await expect(objectAs(f.lifecycle, f.carol, 12345n)).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound");
    });
  });

  describe("the registry's lifecycle role", function () {
    /** A fresh registry wired to plain accounts standing in for the modules (11 recorder, 12 pledges, 13 lifecycle). */
    async function roleFixture() {
      const f = await lifecycleFixture();
      const [recorder, pledges, lifecycle] = f.signers.slice(11, 14);
      const registry = (await ethers.deployContract("DataAssetRegistry", [await f.participants.getAddress()])) as unknown as DataAssetRegistry;
      await registry.wireModules(recorder.address, pledges.address);
      await expect(registry.connect(f.regulator).wireLifecycle(lifecycle.address)).to.be.revertedWithCustomError(registry, "RegistryUnauthorized");
      await expect(registry.wireLifecycle(ethers.ZeroAddress)).to.be.revertedWithCustomError(registry, "RegistryZeroAddress");
      await expect(registry.wireLifecycle(lifecycle.address)).to.emit(registry, "LifecycleWired").withArgs(lifecycle.address);
      const id = await registerAsset(registry, f.shde, f.alice.address, "R");
      return { ...f, registry, recorder, pledges, lifecycleStub: lifecycle, id };
    }

    it("should let only the lifecycle set a status, keep refused and cancelled final, and refuse unknown statuses", async function () {
      const f = await loadFixture(roleFixture);
      await expect(f.registry.connect(f.regulator).setStatus(f.id, 2, 0)).to.be.revertedWithCustomError(f.registry, "RegistryUnauthorized");
      await expect(f.registry.connect(f.lifecycleStub).setStatus(f.id, 0, 0)).to.be.revertedWithCustomError(f.registry, "RegistryInvalidStatusChange");
      await expect(f.registry.connect(f.lifecycleStub).setStatus(f.id, 6, 0)).to.be.revertedWithCustomError(f.registry, "RegistryInvalidStatusChange");
      await expect(f.registry.connect(f.lifecycleStub).setStatus(1n, 1, 0)).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound");
      await f.registry.connect(f.lifecycleStub).setStatus(f.id, Status.Cancelled, 0);
      await expect(f.registry.connect(f.lifecycleStub).setStatus(f.id, Status.Registered, 0))
        .to.be.revertedWithCustomError(f.registry, "RegistryInvalidStatusChange")
        .withArgs(f.id, Status.Cancelled, Status.Registered);
    });

    it("should refuse a holding transfer and a pledge lock of an asset not in force, and allow unlocking", async function () {
      const f = await loadFixture(roleFixture);
      await f.registry.connect(f.pledges).setPledgeLock(f.id, true, 1, (await time.latest()) + 100 * DAY);
      await f.registry.connect(f.lifecycleStub).setStatus(f.id, Status.Notice, 0);
      await expect(f.registry.connect(f.recorder).transferByTrade(f.id, f.alice.address, f.bob.address, 1, 1))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotInForce");
      await f.registry.connect(f.pledges).setPledgeLock(f.id, false, 1, 0); // a pledge can always be released
      await expect(f.registry.connect(f.pledges).setPledgeLock(f.id, true, 2, (await time.latest()) + 100 * DAY))
        .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotInForce")
        .withArgs(f.id, Status.Notice);
    });
  });
});
