import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { shuquanFixture } from "../helpers/fixture";
import { registerAsset } from "../helpers/assets";
import { sha256Of } from "../helpers/evidence";
import { currency } from "../helpers/signing";
import type { IAssessmentRegistry } from "../../typechain-types/contracts/AssessmentRegistry";

const Kind = { Quality: 0, Compliance: 1, Valuation: 2, Security: 3 } as const;
const Result = { Pass: 0, Conditional: 1, Fail: 2 } as const;
const Purpose = { Listing: 0, Pledge: 1 } as const;
const ALL = 0x0f;
const CID = "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua";

describe("AssessmentRegistry", function () {
  async function assessmentFixture() {
    const f = await shuquanFixture();
    const assetId = await registerAsset(f.registry, f.shde, f.alice.address, "assessed dataset");
    await f.assessments.connect(f.gzde).setAssessorCategories(f.dave.address, ALL);
    const input = async (overrides: Partial<IAssessmentRegistry.AssessmentInputStruct> = {}): Promise<IAssessmentRegistry.AssessmentInputStruct> => ({
      assetId,
      kind: Kind.Quality,
      result: Result.Pass,
      value: 0n,
      currency: "0x000000",
      reportDigest: sha256Of("quality report"),
      reportCid: CID,
      validUntil: BigInt(await time.latest()) + 365n * 86_400n,
      ...overrides,
    });
    return { ...f, assetId, input };
  }

  describe("constructor", function () {
    it("should refuse zero dependencies and expose its configuration", async function () {
      const { assessments, participants, registry } = await loadFixture(assessmentFixture);
      const factory = await ethers.getContractFactory("AssessmentRegistry");
      await expect(factory.deploy(ethers.ZeroAddress, await registry.getAddress())).to.be.revertedWithCustomError(factory, "AssessmentZeroAddress");
      await expect(factory.deploy(await participants.getAddress(), ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "AssessmentZeroAddress");
      expect(await assessments.participants()).to.equal(await participants.getAddress());
      expect(await assessments.registry()).to.equal(await registry.getAddress());
      expect(await assessments.version()).to.equal("1.0.0");
    });
  });

  describe("setAssessorCategories", function () {
    it("should let the home exchange grant categories and emit AssessorCategoriesSet", async function () {
      const { assessments, gzde, lender } = await loadFixture(assessmentFixture);
      await expect(assessments.connect(gzde).setAssessorCategories(lender.address, 0x04))
        .to.emit(assessments, "AssessorCategoriesSet")
        .withArgs(lender.address, gzde.address, 0x04, false);
      expect(await assessments.assessorCategories(lender.address)).to.equal(0x04);
    });

    it("should let the regulator set or clear categories", async function () {
      const { assessments, regulator, dave } = await loadFixture(assessmentFixture);
      await expect(assessments.connect(regulator).setAssessorCategories(dave.address, 0))
        .to.emit(assessments, "AssessorCategoriesSet")
        .withArgs(dave.address, regulator.address, 0, true);
      expect(await assessments.assessorCategories(dave.address)).to.equal(0);
    });

    context("when the caller is another exchange, a suspended home exchange, or a merchant", function () {
      it("should revert with AssessmentUnauthorized", async function () {
        const { assessments, participants, regulator, shde, gzde, dave } = await loadFixture(assessmentFixture);
        await expect(assessments.connect(shde).setAssessorCategories(dave.address, ALL)).to.be.revertedWithCustomError(assessments, "AssessmentUnauthorized").withArgs(shde.address);
        await expect(assessments.connect(dave).setAssessorCategories(dave.address, ALL)).to.be.revertedWithCustomError(assessments, "AssessmentUnauthorized");
        await participants.connect(regulator).suspendExchange(gzde.address, "audit");
        await expect(assessments.connect(gzde).setAssessorCategories(dave.address, ALL)).to.be.revertedWithCustomError(assessments, "AssessmentUnauthorized");
      });
    });

    context("when the merchant is not a third-party service merchant, or the mask is invalid", function () {
      it("should refuse", async function () {
        const { assessments, shde, regulator, bob, outsider, dave, gzde } = await loadFixture(assessmentFixture);
        await expect(assessments.connect(shde).setAssessorCategories(bob.address, ALL)).to.be.revertedWithCustomError(assessments, "AssessmentNotThirdPartyService").withArgs(bob.address);
        await expect(assessments.connect(regulator).setAssessorCategories(outsider.address, ALL)).to.be.revertedWithCustomError(assessments, "AssessmentNotThirdPartyService");
        await expect(assessments.connect(gzde).setAssessorCategories(dave.address, 0x10)).to.be.revertedWithCustomError(assessments, "AssessmentInvalidCategories").withArgs(0x10);
      });
    });
  });

  describe("assess", function () {
    it("should store the assessment, make it the latest of its kind and emit AssessmentAttached", async function () {
      const { assessments, dave, assetId, input } = await loadFixture(assessmentFixture);
      const i = await input();
      await expect(assessments.connect(dave).assess(i))
        .to.emit(assessments, "AssessmentAttached")
        .withArgs(1, assetId, dave.address, Kind.Quality, Result.Pass, 0, "0x000000", i.reportDigest, CID, i.validUntil);
      const a = await assessments.getAssessment(assetId, 1);
      expect(a.assessor).to.equal(dave.address);
      expect(a.withdrawn).to.equal(false);
      await expect(assessments.getAssessment(assetId + 1n, 1)).to.be.revertedWithCustomError(assessments, "AssessmentNotFound").withArgs(assetId + 1n, 1);
      expect(await assessments.latestAssessment(assetId, Kind.Quality)).to.equal(1);
      expect(await assessments.latestAssessment(assetId, Kind.Security)).to.equal(0);
      expect(await assessments.isCurrent(assetId, Kind.Quality)).to.equal(true);
      expect(await assessments.assessmentCount()).to.equal(1);
    });

    it("should carry a valuation's value and currency", async function () {
      const { assessments, dave, assetId, input } = await loadFixture(assessmentFixture);
      await expect(assessments.connect(dave).assess(await input({ kind: Kind.Valuation, value: 5_000_000n, currency: currency("CNY") })))
        .to.emit(assessments, "AssessmentAttached")
        .withArgs(1, assetId, dave.address, Kind.Valuation, Result.Pass, 5_000_000n, currency("CNY"), sha256Of("quality report"), CID, (v: bigint) => v > 0n);
    });

    context("when the caller is not an assessor of the kind", function () {
      it("should revert with AssessmentNotAssessor", async function () {
        const { assessments, gzde, lender, outsider, carol, input } = await loadFixture(assessmentFixture);
        await expect(assessments.connect(lender).assess(await input())).to.be.revertedWithCustomError(assessments, "AssessmentNotAssessor").withArgs(lender.address, Kind.Quality);
        await expect(assessments.connect(outsider).assess(await input())).to.be.revertedWithCustomError(assessments, "AssessmentNotAssessor");
        await expect(assessments.connect(carol).assess(await input())).to.be.revertedWithCustomError(assessments, "AssessmentNotAssessor");
        await assessments.connect(gzde).setAssessorCategories(lender.address, 1 << Kind.Valuation);
        await expect(assessments.connect(lender).assess(await input())).to.be.revertedWithCustomError(assessments, "AssessmentNotAssessor").withArgs(lender.address, Kind.Quality);
      });
    });

    context("when the assessor is suspended", function () {
      it("should revert with AssessmentNotAssessor and report no categories", async function () {
        const { assessments, participants, gzde, dave, input } = await loadFixture(assessmentFixture);
        await participants.connect(gzde).suspendMerchant(dave.address, "complaint");
        expect(await assessments.assessorCategories(dave.address)).to.equal(0);
        await expect(assessments.connect(dave).assess(await input())).to.be.revertedWithCustomError(assessments, "AssessmentNotAssessor");
      });
    });

    context("when the asset is unknown, or the assessor holds it", function () {
      it("should refuse", async function () {
        const { assessments, registry, gzde, dave, input } = await loadFixture(assessmentFixture);
        await expect(assessments.connect(dave).assess(await input({ assetId: 42n }))).to.be.revertedWithCustomError(assessments, "AssessmentAssetNotFound").withArgs(42n);
        const own = await registerAsset(registry, gzde, dave.address, "dave's own dataset");
        await expect(assessments.connect(dave).assess(await input({ assetId: own }))).to.be.revertedWithCustomError(assessments, "AssessmentConflictOfInterest").withArgs(own, dave.address);
      });
    });

    context("when the terms are invalid", function () {
      it("should revert with AssessmentInvalidTerms", async function () {
        const { assessments, dave, input } = await loadFixture(assessmentFixture);
        const bad = [
          { reportDigest: ethers.ZeroHash },
          { reportCid: "" },
          { validUntil: BigInt(await time.latest()) },
          { value: 1n, currency: currency("CNY") }, // a value on a quality assessment
          { kind: Kind.Valuation }, // a valuation without a value
          { kind: Kind.Valuation, value: 1n }, // without a currency
        ];
        for (const o of bad) {
          await expect(assessments.connect(dave).assess(await input(o))).to.be.revertedWithCustomError(assessments, "AssessmentInvalidTerms");
        }
      });
    });
  });

  describe("respond", function () {
    it("should let the holder respond, and nobody else", async function () {
      const { assessments, alice, bob, dave, assetId, input } = await loadFixture(assessmentFixture);
      await assessments.connect(dave).assess(await input());
      await expect(assessments.connect(alice).respond(assetId, 1, sha256Of("response"), CID))
        .to.emit(assessments, "AssessmentResponded")
        .withArgs(1, assetId, alice.address, sha256Of("response"), CID);
      await expect(assessments.connect(bob).respond(assetId, 1, sha256Of("response"), CID)).to.be.revertedWithCustomError(assessments, "AssessmentNotHolder").withArgs(assetId, bob.address);
      await expect(assessments.connect(alice).respond(assetId, 1, ethers.ZeroHash, CID)).to.be.revertedWithCustomError(assessments, "AssessmentInvalidTerms");
      await expect(assessments.connect(alice).respond(assetId, 2, sha256Of("response"), CID)).to.be.revertedWithCustomError(assessments, "AssessmentNotFound").withArgs(assetId, 2);
      // an assessment is addressed by its asset: another asset's id 1 is not this one
      await expect(assessments.connect(alice).respond(assetId + 1n, 1, sha256Of("response"), CID)).to.be.revertedWithCustomError(assessments, "AssessmentNotFound").withArgs(assetId + 1n, 1);
    });
  });

  describe("withdraw", function () {
    it("should let the assessor withdraw once; the assessment is no longer current", async function () {
      const { assessments, dave, assetId, input } = await loadFixture(assessmentFixture);
      await assessments.connect(dave).assess(await input());
      await expect(assessments.connect(dave).withdraw(assetId, 1, "data changed"))
        .to.emit(assessments, "AssessmentWithdrawn")
        .withArgs(1, assetId, dave.address, false, "data changed");
      expect(await assessments.isCurrent(assetId, Kind.Quality)).to.equal(false);
      await expect(assessments.connect(dave).withdraw(assetId, 1, "again")).to.be.revertedWithCustomError(assessments, "AssessmentAlreadyWithdrawn").withArgs(1);
    });

    it("should let the regulator withdraw, and refuse anyone else", async function () {
      const { assessments, dave, alice, regulator, assetId, input } = await loadFixture(assessmentFixture);
      await assessments.connect(dave).assess(await input());
      await expect(assessments.connect(alice).withdraw(assetId, 1, "I disagree")).to.be.revertedWithCustomError(assessments, "AssessmentUnauthorized").withArgs(alice.address);
      await expect(assessments.connect(regulator).withdraw(assetId, 1, "assessor misconduct"))
        .to.emit(assessments, "AssessmentWithdrawn")
        .withArgs(1, assetId, regulator.address, true, "assessor misconduct");
      await expect(assessments.getAssessment(assetId, 9)).to.be.revertedWithCustomError(assessments, "AssessmentNotFound").withArgs(assetId, 9);
    });
  });

  describe("policy", function () {
    it("should require a current assessment of each kind the exchange names", async function () {
      const { assessments, shde, gzde, dave, assetId, input } = await loadFixture(assessmentFixture);
      const listing = (1 << Kind.Quality) | (1 << Kind.Compliance);
      await expect(assessments.connect(shde).setPolicy(listing, 1 << Kind.Valuation))
        .to.emit(assessments, "AssessmentPolicySet")
        .withArgs(shde.address, listing, 1 << Kind.Valuation);
      expect(await assessments.policyOf(shde.address)).to.deep.equal([BigInt(listing), 4n]);
      expect(await assessments.meetsPolicy(shde.address, assetId, Purpose.Listing)).to.equal(false);
      await expect(assessments.requirePolicy(shde.address, assetId, Purpose.Listing)).to.be.revertedWithCustomError(assessments, "AssessmentPolicyNotMet").withArgs(shde.address, assetId, Kind.Quality);
      await assessments.connect(dave).assess(await input());
      await expect(assessments.requirePolicy(shde.address, assetId, Purpose.Listing)).to.be.revertedWithCustomError(assessments, "AssessmentPolicyNotMet").withArgs(shde.address, assetId, Kind.Compliance);
      await assessments.connect(dave).assess(await input({ kind: Kind.Compliance, result: Result.Conditional }));
      expect(await assessments.meetsPolicy(shde.address, assetId, Purpose.Listing)).to.equal(true);
      await assessments.requirePolicy(shde.address, assetId, Purpose.Listing);
      expect(await assessments.meetsPolicy(shde.address, assetId, Purpose.Pledge)).to.equal(false);
      // an exchange without a policy requires nothing
      expect(await assessments.meetsPolicy(gzde.address, assetId, Purpose.Pledge)).to.equal(true);
    });

    it("should not count a failed, withdrawn or expired latest assessment", async function () {
      const { assessments, shde, dave, assetId, input } = await loadFixture(assessmentFixture);
      await assessments.connect(shde).setPolicy(1 << Kind.Security, 0);
      await assessments.connect(dave).assess(await input({ kind: Kind.Security }));
      expect(await assessments.meetsPolicy(shde.address, assetId, Purpose.Listing)).to.equal(true);
      await assessments.connect(dave).assess(await input({ kind: Kind.Security, result: Result.Fail }));
      expect(await assessments.latestAssessment(assetId, Kind.Security)).to.equal(2);
      expect(await assessments.meetsPolicy(shde.address, assetId, Purpose.Listing)).to.equal(false);
      await assessments.connect(dave).assess(await input({ kind: Kind.Security, validUntil: BigInt(await time.latest()) + 100n }));
      expect(await assessments.meetsPolicy(shde.address, assetId, Purpose.Listing)).to.equal(true);
      await time.increase(200);
      expect(await assessments.meetsPolicy(shde.address, assetId, Purpose.Listing)).to.equal(false);
    });

    it("should refuse a policy from a non-exchange or with an invalid mask", async function () {
      const { assessments, shde, alice } = await loadFixture(assessmentFixture);
      await expect(assessments.connect(alice).setPolicy(1, 0)).to.be.revertedWithCustomError(assessments, "AssessmentUnauthorized");
      await expect(assessments.connect(shde).setPolicy(0x10, 0)).to.be.revertedWithCustomError(assessments, "AssessmentInvalidCategories");
      await expect(assessments.connect(shde).setPolicy(0, 0x20)).to.be.revertedWithCustomError(assessments, "AssessmentInvalidCategories");
    });
  });
});
