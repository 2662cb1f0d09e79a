/**
 * Issue 9, findings 2 (digest squatting), 3 (onboarding without consent) and 6 (classification laundering): each
 * first `it` of a block reproduced its finding before the fix.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { shuquanFixture, AssetSource, DataLevel, MerchantCategory, ParticipantStatus, Right, digest } from "../../helpers/fixture";
import { registerAsset, registrationOf } from "../../helpers/assets";
import { FAR_DEADLINE, signApplication, signOnboarding, signedOnboard, signedRegister } from "../../helpers/consent";
import { domainOf, typeHash } from "../../helpers/signing";
import { APPLICATION_TYPES, ONBOARDING_TYPES, applicationMessage, type ApplicationFields } from "../../../service/src/digest";

const SCOPE = digest("scope:analytics");

describe("Issue 9: consent to registration and onboarding, and derived data keeps its class", function () {
  describe("EIP-712 types", function () {
    it("should hash applications and onboardings as the product's typed data (service/src/digest/eip712.ts) does", async function () {
      const f = await loadFixture(shuquanFixture);
      expect(await f.registry.APPLICATION_TYPEHASH()).to.equal(typeHash(APPLICATION_TYPES, "Application"));
      expect(await f.participants.ONBOARDING_TYPEHASH()).to.equal(typeHash(ONBOARDING_TYPES, "Onboarding"));
      const r = registrationOf(f.alice.address, "typed", { parents: [1n, 2n] });
      const local = ethers.TypedDataEncoder.hash(await domainOf(f.registry), APPLICATION_TYPES, applicationMessage(r as ApplicationFields, f.shde.address));
      expect(await f.registry.hashApplication(r, f.shde.address)).to.equal(local);
      const message = { merchant: f.alice.address, exchange: f.gzde.address, category: 2, credentialDigest: digest("c"), nonce: 7n, deadline: 99n };
      const localOnboarding = ethers.TypedDataEncoder.hash(await domainOf(f.participants), ONBOARDING_TYPES, message);
      expect(await f.participants.hashOnboarding(message.merchant, message.exchange, message.category, message.credentialDigest, message.nonce, message.deadline)).to.equal(localOnboarding);
    });
  });

  describe("finding 2: registration carries the holder's signed application", function () {
    it("should refuse a registration in a merchant's name without its signature (squatting)", async function () {
      const f = await loadFixture(shuquanFixture);
      const r = registrationOf(f.alice.address, "squatted");
      await expect(f.registry.connect(f.shde).register(r, "0x")).to.be.revertedWithCustomError(f.registry, "RegistryInvalidSignature").withArgs(f.alice.address);
      const bySquatter = await signApplication(f.shde, f.registry, r, f.shde.address);
      await expect(f.registry.connect(f.shde).register(r, bySquatter)).to.be.revertedWithCustomError(f.registry, "RegistryInvalidSignature");
      expect(await f.registry.exists(BigInt(r.contentDigest as string))).to.equal(false);
    });

    it("should refuse an application signed for another exchange", async function () {
      const f = await loadFixture(shuquanFixture);
      const r = registrationOf(f.alice.address, "for SHDE"); // alice is recognised at GZDE too
      const sig = await signApplication(f.alice, f.registry, r, f.shde.address);
      await expect(f.registry.connect(f.gzde).register(r, sig)).to.be.revertedWithCustomError(f.registry, "RegistryInvalidSignature");
      await expect(f.registry.connect(f.shde).register(r, sig)).to.emit(f.registry, "AssetRegistered");
    });

    it("should refuse an expired application and a cancelled one", async function () {
      const f = await loadFixture(shuquanFixture);
      const now = BigInt(await time.latest());
      const late = registrationOf(f.alice.address, "late", { deadline: now });
      await time.increase(10);
      await expect(signedRegister(f.registry, f.shde, late)).to.be.revertedWithCustomError(f.registry, "RegistryApplicationExpired").withArgs(now);
      const r = registrationOf(f.alice.address, "cancelled");
      const sig = await signApplication(f.alice, f.registry, r, f.shde.address);
      await expect(f.registry.connect(f.alice).cancelApplications()).to.emit(f.registry, "ApplicationsCancelled").withArgs(f.alice.address, 1n);
      await expect(f.registry.connect(f.shde).register(r, sig)).to.be.revertedWithCustomError(f.registry, "RegistryInvalidNonce").withArgs(f.alice.address, 0n);
      expect(await f.registry.applicationNonce(f.alice.address)).to.equal(1n);
      await expect(signedRegister(f.registry, f.shde, { ...r, nonce: 1n })).to.emit(f.registry, "AssetRegistered");
    });

    it("should let the regulator cancel a bad-faith registration: the digest is free, old licences void, the application dead", async function () {
      const f = await loadFixture(shuquanFixture);
      const r = registrationOf(f.bob.address, "taken in bad faith");
      const sig = await signApplication(f.bob, f.registry, r, f.shde.address);
      await f.registry.connect(f.shde).register(r, sig);
      const id = BigInt(r.contentDigest as string);
      const now = BigInt(await time.latest());
      const terms = { scopeDigest: SCOPE, start: now, end: now + 1000n, exclusive: false, sublicensable: false, revocable: false };
      await f.registry.connect(f.bob).grantLicence(id, f.carol.address, Right.Processing, terms);
      const reason = digest("finding: registered without rights to the data");
      await expect(f.registry.connect(f.shde).cancelRegistration(id, reason)).to.be.revertedWithCustomError(f.registry, "RegistryUnauthorized");
      await expect(f.registry.connect(f.regulator).cancelRegistration(id, reason))
        .to.emit(f.registry, "RegistrationCancelled").withArgs(id, f.bob.address, f.regulator.address, 1, reason)
        .and.to.emit(f.registry, "Transfer").withArgs(f.bob.address, ethers.ZeroAddress, id);
      expect(await f.registry.exists(id)).to.equal(false);
      expect(await f.registry.balanceOf(f.bob.address)).to.equal(0n);
      // the squatter's application cannot be replayed
      await expect(f.registry.connect(f.shde).register(r, sig)).to.be.revertedWithCustomError(f.registry, "RegistryInvalidNonce");
      // the rightful holder registers the digest; the cancelled registration's licence confers nothing
      const rightful = registrationOf(f.alice.address, "taken in bad faith");
      await expect(signedRegister(f.registry, f.shde, rightful)).to.emit(f.registry, "AssetRegistered");
      expect((await f.registry.getAsset(id)).epoch).to.equal(1n);
      expect(await f.registry.isLicensed(id, f.carol.address, Right.Processing, BigInt(await time.latest()))).to.equal(false);
      await expect(f.registry.connect(f.bob).revokeLicence(id, f.carol.address, Right.Processing, "x")).to.be.revertedWithCustomError(f.registry, "RegistryLicenceNotFound");
      const t2 = BigInt(await time.latest());
      await expect(f.registry.connect(f.alice).grantLicence(id, f.carol.address, Right.Processing, { ...terms, start: t2, end: t2 + 100n })).to.emit(f.registry, "LicenceGranted");
    });

    it("should let the regulator reassign a registration to a holder who applied for it", async function () {
      const f = await loadFixture(shuquanFixture);
      const id = await registerAsset(f.registry, f.shde, f.bob.address, "moved");
      const app = registrationOf(f.carol.address, "moved"); // carol applies for the same digest at SHDE
      const sig = await signApplication(f.carol, f.registry, app, f.shde.address);
      const reason = digest("court order 17");
      await expect(f.registry.connect(f.shde).reassignRegistration(id, app, sig, reason)).to.be.revertedWithCustomError(f.registry, "RegistryUnauthorized");
      const wrongLevel = { ...app, level: DataLevel.Important };
      await expect(f.registry.connect(f.regulator).reassignRegistration(id, wrongLevel, await signApplication(f.carol, f.registry, wrongLevel, f.shde.address), reason))
        .to.be.revertedWithCustomError(f.registry, "RegistryApplicationMismatch");
      await expect(f.registry.connect(f.regulator).reassignRegistration(id, app, "0x", reason)).to.be.revertedWithCustomError(f.registry, "RegistryInvalidSignature");
      await expect(f.registry.connect(f.regulator).reassignRegistration(id, app, sig, reason))
        .to.emit(f.registry, "RegistrationReassigned").withArgs(id, f.bob.address, f.carol.address, f.regulator.address, reason);
      expect(await f.registry.ownerOf(id)).to.equal(f.carol.address);
      expect((await f.registry.getAsset(id)).stateNonce).to.equal(1n);
    });
  });

  describe("finding 3: onboarding needs the merchant's consent", function () {
    it("should refuse onboarding an address that did not sign, and a consent signed for another exchange (front-running)", async function () {
      const f = await loadFixture(shuquanFixture);
      const m = f.signers[13];
      await expect(f.participants.connect(f.shde).onboardMerchant(m.address, 0, digest("c"), FAR_DEADLINE, "0x"))
        .to.be.revertedWithCustomError(f.participants, "ParticipantsInvalidSignature").withArgs(m.address);
      const forGzde = await signOnboarding(m, f.participants, f.gzde.address, 0, digest("c"));
      await expect(f.participants.connect(f.shde).onboardMerchant(m.address, 0, digest("c"), FAR_DEADLINE, forGzde))
        .to.be.revertedWithCustomError(f.participants, "ParticipantsInvalidSignature");
      await expect(f.participants.connect(f.gzde).onboardMerchant(m.address, 0, digest("c"), FAR_DEADLINE, forGzde))
        .to.emit(f.participants, "MerchantOnboarded").withArgs(m.address, f.gzde.address, 0, digest("c"));
      // used once: the nonce moved on
      expect(await f.participants.onboardingNonce(m.address)).to.equal(1n);
    });

    it("should refuse an expired or cancelled consent", async function () {
      const f = await loadFixture(shuquanFixture);
      const m = f.signers[13];
      const now = BigInt(await time.latest());
      const sig = await signOnboarding(m, f.participants, f.shde.address, 0, digest("c"), now);
      await time.increase(10);
      await expect(f.participants.connect(f.shde).onboardMerchant(m.address, 0, digest("c"), now, sig))
        .to.be.revertedWithCustomError(f.participants, "ParticipantsConsentExpired").withArgs(now);
      const sig2 = await signOnboarding(m, f.participants, f.shde.address, 0, digest("c"));
      await expect(f.participants.connect(m).cancelOnboardingConsent()).to.emit(f.participants, "OnboardingConsentCancelled").withArgs(m.address, 0n);
      await expect(f.participants.connect(f.shde).onboardMerchant(m.address, 0, digest("c"), FAR_DEADLINE, sig2))
        .to.be.revertedWithCustomError(f.participants, "ParticipantsInvalidSignature");
    });

    it("should not let a suspended merchant escape by moving, and let the regulator re-home or offboard", async function () {
      const f = await loadFixture(shuquanFixture);
      await f.participants.connect(f.shde).suspendMerchant(f.bob.address, "home: abuse?");
      await expect(signedOnboard(f.participants, f.gzde, f.bob.address, 1, digest("c")))
        .to.be.revertedWithCustomError(f.participants, "ParticipantsMerchantNotActive").withArgs(f.bob.address);
      await expect(f.participants.connect(f.gzde).rehomeMerchant(f.bob.address, f.gzde.address, "x")).to.be.revertedWithCustomError(f.participants, "ParticipantsUnauthorized");
      await expect(f.participants.connect(f.regulator).rehomeMerchant(f.bob.address, f.shde.address, "x")).to.be.revertedWithCustomError(f.participants, "ParticipantsSameHome");
      await expect(f.participants.connect(f.regulator).rehomeMerchant(f.bob.address, f.gzde.address, "home suspended in bad faith"))
        .to.emit(f.participants, "MerchantRehomed").withArgs(f.bob.address, f.shde.address, f.gzde.address, f.regulator.address, "home suspended in bad faith");
      expect(await f.participants.isActiveMerchant(f.bob.address)).to.equal(true);
      await expect(f.participants.connect(f.shde).suspendMerchant(f.bob.address, "old home")).to.be.revertedWithCustomError(f.participants, "ParticipantsNotHomeExchange");
      // offboarding frees the address: it may become an exchange
      await expect(f.participants.connect(f.regulator).offboardMerchant(f.bob.address, "leaves the market"))
        .to.emit(f.participants, "MerchantOffboarded").withArgs(f.bob.address, f.gzde.address, f.regulator.address, "leaves the market");
      expect((await f.participants.getMerchant(f.bob.address)).status).to.equal(ParticipantStatus.None);
      await expect(f.participants.connect(f.regulator).accreditExchange(f.bob.address, "0x424f4200", "Bob's exchange")).to.emit(f.participants, "ExchangeAccredited");
    });

    it("should move an active merchant's home with its consent and the new exchange's call", async function () {
      const f = await loadFixture(shuquanFixture);
      await expect(signedOnboard(f.participants, f.gzde, f.bob.address, MerchantCategory.Technology, digest("gz credential")))
        .to.emit(f.participants, "MerchantMoved").withArgs(f.bob.address, f.shde.address, f.gzde.address, MerchantCategory.Technology, digest("gz credential"));
      await expect(f.participants.connect(f.gzde).suspendMerchant(f.bob.address, "new home")).to.emit(f.participants, "MerchantSuspended");
    });
  });

  describe("finding 6: derived data keeps its class", function () {
    it("should refuse a child below its parent's level (a general child of a core or important parent)", async function () {
      const f = await loadFixture(shuquanFixture);
      const core = await registerAsset(f.registry, f.shde, f.alice.address, "core parent", { level: DataLevel.Core });
      const important = await registerAsset(f.registry, f.shde, f.alice.address, "important parent", { level: DataLevel.Important });
      await expect(signedRegister(f.registry, f.shde, registrationOf(f.alice.address, "laundered", { parents: [core] })))
        .to.be.revertedWithCustomError(f.registry, "RegistryLevelBelowParent").withArgs(core, DataLevel.Core);
      await expect(signedRegister(f.registry, f.shde, registrationOf(f.alice.address, "laundered 2", { parents: [important] })))
        .to.be.revertedWithCustomError(f.registry, "RegistryLevelBelowParent").withArgs(important, DataLevel.Important);
      await expect(signedRegister(f.registry, f.shde, registrationOf(f.alice.address, "kept", { parents: [important], level: DataLevel.Important }))).to.emit(f.registry, "AssetRegistered");
    });

    it("should keep the consent requirement down personal lineage until the regulator records a de-identification finding", async function () {
      const f = await loadFixture(shuquanFixture);
      const personal = await registerAsset(f.registry, f.shde, f.alice.address, "personal parent", { source: AssetSource.Personal, consentDigest: digest("consents") });
      const child = registrationOf(f.alice.address, "enterprise child", { parents: [personal] });
      await expect(signedRegister(f.registry, f.shde, child)).to.be.revertedWithCustomError(f.registry, "RegistryConsentRequired");
      const withConsent = registrationOf(f.alice.address, "child with consent", { parents: [personal], consentDigest: digest("consents 2") });
      await signedRegister(f.registry, f.shde, withConsent);
      const childId = BigInt(withConsent.contentDigest as string);
      expect((await f.registry.getAsset(childId)).personalLineage).to.equal(true);
      // a grandchild inherits through the enterprise-source child
      await expect(signedRegister(f.registry, f.shde, registrationOf(f.alice.address, "grandchild", { parents: [childId] }))).to.be.revertedWithCustomError(f.registry, "RegistryConsentRequired");

      const finding = digest("de-identification finding 2026-41");
      await expect(f.registry.connect(f.shde).recordDeidentification(personal, finding)).to.be.revertedWithCustomError(f.registry, "RegistryUnauthorized");
      await expect(f.registry.connect(f.regulator).recordDeidentification(personal, finding))
        .to.emit(f.registry, "AssetDeidentified").withArgs(personal, f.regulator.address, finding);
      await expect(f.registry.connect(f.regulator).recordDeidentification(personal, finding)).to.be.revertedWithCustomError(f.registry, "RegistryAlreadyDeidentified");
      await expect(signedRegister(f.registry, f.shde, child)).to.emit(f.registry, "AssetRegistered");
      expect((await f.registry.getAsset(BigInt(child.contentDigest as string))).personalLineage).to.equal(false);
      const plain = await registerAsset(f.registry, f.shde, f.alice.address, "plain");
      await expect(f.registry.connect(f.regulator).recordDeidentification(plain, finding)).to.be.revertedWithCustomError(f.registry, "RegistryNotPersonalLineage");
    });
  });
});
