import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { PledgeRegistry } from "../../typechain-types";
import { MerchantCategory, PledgeStatus, Right, digest, participantsFixture, shuquanFixture } from "../helpers/fixture";
import { licenceTerms, recordTrade, registerAsset, tradeOf } from "../helpers/assets";
import { signTrade, tradeDigest } from "../helpers/signing";
import { PLEDGE_TYPES, type PledgeTermsValue, currency, pledgeDigest, signPledge, typeHash } from "../helpers/signing";
import { sha256Of } from "../helpers/evidence";
import { signedOnboard } from "../helpers/consent";

/** Unit tests against a registry test double (MockAssetRegistry); see PledgeRegistry.integration below for the
 * real DataAssetRegistry and TradeRecorder. */
describe("PledgeRegistry", function () {
  async function pledgeFixture() {
    const base = await participantsFixture();
    const registry = await (await ethers.getContractFactory("MockAssetRegistry")).deploy();
    const pledges = await (await ethers.getContractFactory("PledgeRegistry")).deploy(
      await base.participants.getAddress(),
      await registry.getAddress(),
    );
    await registry.setPledgeRegistry(await pledges.getAddress());
    // An asset registered at SHDE and held by alice; another registered at GZDE held by carol.
    const assetId = BigInt(sha256Of("asset: shanghai taxi trips"));
    const gzAssetId = BigInt(sha256Of("asset: guangzhou port logs"));
    await registry.setAsset(assetId, base.shde.address, base.alice.address);
    await registry.setAsset(gzAssetId, base.gzde.address, base.carol.address);
    return { ...base, registry, pledges, assetId, gzAssetId };
  }

  /** Terms for `lender` on `assetId` with the holder's current nonce and a one-hour deadline. */
  async function termsFor(
    pledges: PledgeRegistry,
    holder: string,
    assetId: bigint,
    lender: string,
    overrides: Partial<PledgeTermsValue> = {},
  ): Promise<PledgeTermsValue> {
    const now = BigInt(await time.latest());
    return {
      assetId,
      holder,
      lender,
      amount: 5_000_000_00n, // 5,000,000.00 CNY in fen
      currency: currency("CNY"),
      start: now,
      end: now + 365n * 86_400n,
      agreementDigest: digest("pledge agreement #1"),
      stateNonce: 0n, // the test double's assets stay at state 0
      nonce: await pledges.nonces(holder),
      deadline: now + 3_600n,
      ...overrides,
    };
  }

  async function signed(
    pledges: PledgeRegistry,
    holder: HardhatEthersSigner,
    assetId: bigint,
    lender: string,
    overrides: Partial<PledgeTermsValue> = {},
  ) {
    const terms = await termsFor(pledges, holder.address, assetId, lender, overrides);
    return { terms, sig: await signPledge(holder, pledges, terms) };
  }

  /** The fixture plus one active pledge (id 1) of alice's asset to the lender. */
  async function pledgedFixture() {
    const f = await pledgeFixture();
    const { terms, sig } = await signed(f.pledges, f.alice, f.assetId, f.lender.address);
    await f.pledges.connect(f.lender).registerPledge(terms, sig);
    return { ...f, terms, sig, pledgeId: 1n };
  }

  describe("constructor", function () {
    context("when a dependency is the zero address", function () {
      it("should revert with PledgeZeroAddress", async function () {
        const { participants } = await loadFixture(pledgeFixture);
        const factory = await ethers.getContractFactory("PledgeRegistry");
        const p = await participants.getAddress();
        await expect(factory.deploy(ethers.ZeroAddress, p)).to.be.revertedWithCustomError(factory, "PledgeZeroAddress");
        await expect(factory.deploy(p, ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "PledgeZeroAddress");
      });
    });

    it("should expose its dependencies, version 1.0.0 and its EIP-712 domain", async function () {
      const { pledges, participants, registry } = await loadFixture(pledgeFixture);
      expect(await pledges.participants()).to.equal(await participants.getAddress());
      expect(await pledges.registry()).to.equal(await registry.getAddress());
      expect(await pledges.version()).to.equal("1.0.0");
      const d = await pledges.eip712Domain();
      expect(d.name).to.equal("Shuquan PledgeRegistry");
      expect(d.version).to.equal("1");
      expect(d.chainId).to.equal(31337n);
      expect(await pledges.domainSeparator()).to.equal(
        ethers.TypedDataEncoder.hashDomain({
          name: d.name,
          version: d.version,
          chainId: d.chainId,
          verifyingContract: d.verifyingContract,
        }),
      );
    });
  });

  describe("hashPledge", function () {
    it("should equal the EIP-712 digest of the typed data the helpers sign", async function () {
      const { pledges, alice, lender, assetId } = await loadFixture(pledgeFixture);
      const terms = await termsFor(pledges, alice.address, assetId, lender.address);
      expect(await pledges.hashPledge(terms)).to.equal(await pledgeDigest(pledges, terms));
      expect(await pledges.PLEDGE_TERMS_TYPEHASH()).to.equal(typeHash(PLEDGE_TYPES, "PledgeTerms"));
    });
  });

  describe("registerPledge", function () {
    context("when the holder consents and the lender is recognised", function () {
      it("should store the pledge, lock the asset, use the nonce and emit PledgeRegistered", async function () {
        const { pledges, registry, alice, lender, assetId } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        const tx = pledges.connect(lender).registerPledge(terms, sig);
        await expect(tx)
          .to.emit(pledges, "PledgeRegistered")
          .withArgs(
            1n,
            assetId,
            lender.address,
            alice.address,
            terms.amount,
            terms.currency,
            terms.start,
            terms.end,
            terms.agreementDigest,
          );
        await expect(tx).to.emit(registry, "AssetPledgeLockChanged").withArgs(assetId, true, 1n);
        const p = await pledges.getPledge(1n);
        expect(p.assetId).to.equal(assetId);
        expect(p.lender).to.equal(lender.address);
        expect(p.holder).to.equal(alice.address);
        expect(p.status).to.equal(PledgeStatus.Active);
        expect(p.registeredAt).to.equal(await time.latest());
        expect(p.closedAt).to.equal(0n);
        expect(await pledges.activePledgeOf(assetId)).to.equal(1n);
        expect(await pledges.nonces(alice.address)).to.equal(1n);
        expect(await pledges.pledgeCount()).to.equal(1n);
        expect((await registry.getAsset(assetId)).pledged).to.equal(true);
      });

      it("should accept a consent signed at its very deadline", async function () {
        const { pledges, alice, lender, assetId } = await loadFixture(pledgeFixture);
        const now = BigInt(await time.latest());
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address, { deadline: now + 10n });
        await time.setNextBlockTimestamp(now + 10n);
        await expect(pledges.connect(lender).registerPledge(terms, sig)).to.emit(pledges, "PledgeRegistered");
      });
    });

    context("when the holder is an ERC-1271 contract wallet", function () {
      async function walletFixture() {
        const f = await pledgeFixture();
        const wallet = await (await ethers.getContractFactory("MockERC1271Wallet")).deploy(f.bob.address);
        const walletAssetId = BigInt(sha256Of("asset held by a wallet"));
        await signedOnboard(f.participants, f.shde, await wallet.getAddress(), MerchantCategory.DataResource, digest("credential:wallet"), f.bob);
        await f.registry.setAsset(walletAssetId, f.shde.address, await wallet.getAddress());
        return { ...f, wallet, walletAssetId };
      }

      it("should accept the wallet owner's signature through isValidSignature", async function () {
        const { pledges, wallet, bob, lender, walletAssetId } = await loadFixture(walletFixture);
        const w = await wallet.getAddress();
        const terms = await termsFor(pledges, w, walletAssetId, lender.address);
        const sig = await signPledge(bob, pledges, terms); // bob owns the wallet
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.emit(pledges, "PledgeRegistered")
          .withArgs(1n, walletAssetId, lender.address, w, terms.amount, terms.currency, terms.start, terms.end, terms.agreementDigest);
      });

      it("should revert with PledgeInvalidSignature when the wallet does not approve", async function () {
        const { pledges, wallet, carol, lender, walletAssetId } = await loadFixture(walletFixture);
        const w = await wallet.getAddress();
        const terms = await termsFor(pledges, w, walletAssetId, lender.address);
        const sig = await signPledge(carol, pledges, terms);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidSignature")
          .withArgs(w);
      });
    });

    context("when the caller is not the lender named in the terms", function () {
      it("should revert with PledgeUnauthorized", async function () {
        const { pledges, alice, lender, dave, assetId } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await expect(pledges.connect(dave).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeUnauthorized")
          .withArgs(dave.address);
      });
    });

    context("when the terms are invalid", function () {
      const cases: [string, (t: PledgeTermsValue) => Partial<PledgeTermsValue>][] = [
        ["a zero amount", () => ({ amount: 0n })],
        ["a zero currency", () => ({ currency: "0x000000" })],
        ["a zero agreement digest", () => ({ agreementDigest: ethers.ZeroHash })],
        ["start equal to end", (t) => ({ end: t.start })],
        ["start after end", (t) => ({ start: BigInt(t.end) + 1n })],
      ];
      for (const [what, change] of cases) {
        it(`should revert with PledgeInvalidTerms for ${what}`, async function () {
          const { pledges, alice, lender, assetId } = await loadFixture(pledgeFixture);
          const base = await termsFor(pledges, alice.address, assetId, lender.address);
          const terms = { ...base, ...change(base) };
          const sig = await signPledge(alice, pledges, terms);
          await expect(pledges.connect(lender).registerPledge(terms, sig)).to.be.revertedWithCustomError(
            pledges,
            "PledgeInvalidTerms",
          );
        });
      }
    });

    context("when the consent has expired", function () {
      it("should revert with PledgeExpired", async function () {
        const { pledges, alice, lender, assetId } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await time.increaseTo(BigInt(terms.deadline) + 1n);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeExpired")
          .withArgs(terms.deadline);
      });
    });

    context("when the asset is unknown", function () {
      it("should revert with the registry's RegistryAssetNotFound", async function () {
        const { pledges, registry, alice, lender } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, 42n, lender.address);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(registry, "RegistryAssetNotFound")
          .withArgs(42n);
      });
    });

    context("when the asset is frozen", function () {
      it("should revert with RegistryAssetFrozen", async function () {
        const { pledges, registry, alice, lender, assetId } = await loadFixture(pledgeFixture);
        await registry.setFrozen(assetId, true);
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "RegistryAssetFrozen")
          .withArgs(assetId);
      });
    });

    context("when the lender is the holder", function () {
      it("should revert with PledgeLenderIsHolder", async function () {
        const { pledges, alice, assetId } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, alice.address);
        await expect(pledges.connect(alice).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeLenderIsHolder")
          .withArgs(alice.address);
      });
    });

    context("when the asset is already pledged", function () {
      it("should revert with PledgeAssetAlreadyPledged naming the active pledge", async function () {
        const { pledges, alice, dave, assetId } = await loadFixture(pledgedFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, dave.address);
        await expect(pledges.connect(dave).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeAssetAlreadyPledged")
          .withArgs(assetId, 1n);
      });
    });

    context("when the lender is not recognised at the asset's registering exchange", function () {
      it("should revert with ParticipantsNotRecognised for a merchant of an exchange that is not recognised", async function () {
        // gzAssetId is registered at GZDE; bob is SHDE's and GZDE recognises only alice from SHDE.
        const { pledges, participants, carol, bob, gzAssetId, gzde } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, carol, gzAssetId, bob.address);
        await expect(pledges.connect(bob).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotRecognised")
          .withArgs(bob.address, gzde.address);
      });

      it("should revert with ParticipantsNotRecognised for an account that is no merchant", async function () {
        const { pledges, participants, alice, outsider, assetId, shde } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, outsider.address);
        await expect(pledges.connect(outsider).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotRecognised")
          .withArgs(outsider.address, shde.address);
      });

      it("should accept a single-merchant recognition", async function () {
        // alice (SHDE) is recognised singly at GZDE: she may lend against a GZDE asset.
        const { pledges, carol, alice, gzAssetId } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, carol, gzAssetId, alice.address);
        await expect(pledges.connect(alice).registerPledge(terms, sig)).to.emit(pledges, "PledgeRegistered");
      });
    });

    context("when the lender is suspended", function () {
      it("should revert with ParticipantsNotRecognised", async function () {
        const { pledges, participants, gzde, alice, lender, assetId, shde } = await loadFixture(pledgeFixture);
        await participants.connect(gzde).suspendMerchant(lender.address, "r");
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotRecognised")
          .withArgs(lender.address, shde.address);
      });

      it("should revert with ParticipantsNotRecognised when the lender's home exchange is suspended", async function () {
        const { pledges, participants, regulator, gzde, alice, lender, assetId, shde } =
          await loadFixture(pledgeFixture);
        await participants.connect(regulator).suspendExchange(gzde.address, "r");
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotRecognised")
          .withArgs(lender.address, shde.address);
      });
    });

    context("when the asset's registering exchange is suspended", function () {
      it("should revert with ParticipantsExchangeNotActive", async function () {
        const { pledges, participants, regulator, shde, alice, lender, assetId } = await loadFixture(pledgeFixture);
        await participants.connect(regulator).suspendExchange(shde.address, "r");
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(shde.address);
      });
    });

    context("when the holder is suspended", function () {
      it("should revert with PledgeUnauthorized naming the holder", async function () {
        const { pledges, participants, regulator, alice, lender, assetId } = await loadFixture(pledgeFixture);
        await participants.connect(regulator).suspendMerchant(alice.address, "r");
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeUnauthorized")
          .withArgs(alice.address);
      });
    });

    context("when the signature is not the holder's", function () {
      it("should revert with PledgeInvalidSignature for another signer", async function () {
        const { pledges, alice, bob, lender, assetId } = await loadFixture(pledgeFixture);
        const terms = await termsFor(pledges, alice.address, assetId, lender.address);
        const sig = await signPledge(bob, pledges, terms);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidSignature")
          .withArgs(alice.address);
      });

      it("should revert with PledgeInvalidSignature when the terms differ from what was signed", async function () {
        const { pledges, alice, lender, assetId } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await expect(pledges.connect(lender).registerPledge({ ...terms, amount: terms.amount * 2n }, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidSignature")
          .withArgs(alice.address);
      });

      it("should revert with PledgeInvalidSignature for a malformed signature", async function () {
        const { pledges, alice, lender, assetId } = await loadFixture(pledgeFixture);
        const terms = await termsFor(pledges, alice.address, assetId, lender.address);
        await expect(pledges.connect(lender).registerPledge(terms, "0x1234"))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidSignature")
          .withArgs(alice.address);
      });

      it("should revert with PledgeInvalidSignature for a signature made for another contract", async function () {
        const { pledges, participants, alice, lender, assetId } = await loadFixture(pledgeFixture);
        const other = await (await ethers.getContractFactory("PledgeRegistry")).deploy(
          await participants.getAddress(),
          await pledges.registry(),
        );
        const terms = await termsFor(pledges, alice.address, assetId, lender.address);
        const sig = await signPledge(alice, other, terms);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidSignature")
          .withArgs(alice.address);
      });
    });

    context("when the nonce is not the holder's current one", function () {
      it("should revert with PledgeInvalidNonce when a consent is replayed", async function () {
        const { pledges, alice, lender, pledgeId, terms, sig } = await loadFixture(pledgedFixture);
        await pledges.connect(lender).releasePledge(pledgeId);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidNonce")
          .withArgs(alice.address, 0n);
      });

      it("should revert with PledgeInvalidNonce for a future nonce", async function () {
        const { pledges, alice, lender, assetId } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address, { nonce: 1n });
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidNonce")
          .withArgs(alice.address, 1n);
      });

      it("should revert with PledgeInvalidNonce after the holder cancelled the consent", async function () {
        const { pledges, alice, lender, assetId } = await loadFixture(pledgeFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, lender.address);
        await expect(pledges.connect(alice).cancelConsent())
          .to.emit(pledges, "PledgeConsentCancelled")
          .withArgs(alice.address, 0n);
        expect(await pledges.nonces(alice.address)).to.equal(1n);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidNonce")
          .withArgs(alice.address, 0n);
      });
    });
  });

  describe("releasePledge", function () {
    context("when the lender releases an active pledge", function () {
      it("should close it, unlock the asset and emit PledgeReleased", async function () {
        const { pledges, registry, lender, assetId, pledgeId } = await loadFixture(pledgedFixture);
        const tx = pledges.connect(lender).releasePledge(pledgeId);
        await expect(tx).to.emit(pledges, "PledgeReleased").withArgs(pledgeId, assetId, lender.address);
        await expect(tx).to.emit(registry, "AssetPledgeLockChanged").withArgs(assetId, false, pledgeId);
        const p = await pledges.getPledge(pledgeId);
        expect(p.status).to.equal(PledgeStatus.Released);
        expect(p.closedAt).to.equal(await time.latest());
        expect(await pledges.activePledgeOf(assetId)).to.equal(0n);
        expect((await registry.getAsset(assetId)).pledged).to.equal(false);
      });

      it("should let the asset be pledged again, under a new id", async function () {
        const { pledges, alice, lender, dave, assetId, pledgeId } = await loadFixture(pledgedFixture);
        await pledges.connect(lender).releasePledge(pledgeId);
        const { terms, sig } = await signed(pledges, alice, assetId, dave.address);
        await expect(pledges.connect(dave).registerPledge(terms, sig))
          .to.emit(pledges, "PledgeRegistered")
          .withArgs(2n, assetId, dave.address, alice.address, terms.amount, terms.currency, terms.start, terms.end, terms.agreementDigest);
        expect(await pledges.activePledgeOf(assetId)).to.equal(2n);
        expect((await pledges.getPledge(1n)).status).to.equal(PledgeStatus.Released);
      });

      it("should be allowed to a lender who has since been suspended", async function () {
        const { pledges, participants, gzde, lender, pledgeId } = await loadFixture(pledgedFixture);
        await participants.connect(gzde).suspendMerchant(lender.address, "r");
        await expect(pledges.connect(lender).releasePledge(pledgeId)).to.emit(pledges, "PledgeReleased");
      });
    });

    context("when the caller is not the lender", function () {
      it("should revert with PledgeUnauthorized, even for the holder or the regulator", async function () {
        const { pledges, alice, regulator, pledgeId } = await loadFixture(pledgedFixture);
        for (const who of [alice, regulator]) {
          await expect(pledges.connect(who).releasePledge(pledgeId))
            .to.be.revertedWithCustomError(pledges, "PledgeUnauthorized")
            .withArgs(who.address);
        }
      });
    });

    context("when the pledge is closed", function () {
      it("should revert with PledgeNotActive", async function () {
        const { pledges, lender, regulator, pledgeId } = await loadFixture(pledgedFixture);
        await pledges.connect(lender).releasePledge(pledgeId);
        await expect(pledges.connect(lender).releasePledge(pledgeId))
          .to.be.revertedWithCustomError(pledges, "PledgeNotActive")
          .withArgs(pledgeId, PledgeStatus.Released);
        await expect(pledges.connect(regulator).liftPledge(pledgeId, "r"))
          .to.be.revertedWithCustomError(pledges, "PledgeNotActive")
          .withArgs(pledgeId, PledgeStatus.Released);
      });
    });

    context("when the pledge does not exist", function () {
      it("should revert with PledgeNotFound", async function () {
        const { pledges, lender } = await loadFixture(pledgedFixture);
        await expect(pledges.connect(lender).releasePledge(7n))
          .to.be.revertedWithCustomError(pledges, "PledgeNotFound")
          .withArgs(7n);
      });
    });
  });

  describe("liftPledge", function () {
    context("when the regulator lifts an active pledge", function () {
      it("should close it, unlock the asset and emit PledgeLifted with the reason", async function () {
        const { pledges, registry, regulator, assetId, pledgeId } = await loadFixture(pledgedFixture);
        const tx = pledges.connect(regulator).liftPledge(pledgeId, "court order 2026-17");
        await expect(tx)
          .to.emit(pledges, "PledgeLifted")
          .withArgs(pledgeId, assetId, regulator.address, "court order 2026-17");
        await expect(tx).to.emit(registry, "AssetPledgeLockChanged").withArgs(assetId, false, pledgeId);
        const p = await pledges.getPledge(pledgeId);
        expect(p.status).to.equal(PledgeStatus.Lifted);
        expect(p.closedAt).to.equal(await time.latest());
        expect(await pledges.activePledgeOf(assetId)).to.equal(0n);
      });
    });

    context("when the caller is not the regulator", function () {
      it("should revert with PledgeUnauthorized, even for the lender or an exchange", async function () {
        const { pledges, lender, shde, pledgeId } = await loadFixture(pledgedFixture);
        for (const who of [lender, shde]) {
          await expect(pledges.connect(who).liftPledge(pledgeId, "r"))
            .to.be.revertedWithCustomError(pledges, "PledgeUnauthorized")
            .withArgs(who.address);
        }
      });
    });

    context("when the pledge is closed", function () {
      it("should revert with PledgeNotActive", async function () {
        const { pledges, lender, regulator, pledgeId } = await loadFixture(pledgedFixture);
        await pledges.connect(regulator).liftPledge(pledgeId, "r");
        await expect(pledges.connect(regulator).liftPledge(pledgeId, "r"))
          .to.be.revertedWithCustomError(pledges, "PledgeNotActive")
          .withArgs(pledgeId, PledgeStatus.Lifted);
        await expect(pledges.connect(lender).releasePledge(pledgeId))
          .to.be.revertedWithCustomError(pledges, "PledgeNotActive")
          .withArgs(pledgeId, PledgeStatus.Lifted);
      });
    });

    context("when the pledge does not exist", function () {
      it("should revert with PledgeNotFound", async function () {
        const { pledges, regulator } = await loadFixture(pledgeFixture);
        await expect(pledges.connect(regulator).liftPledge(1n, "r"))
          .to.be.revertedWithCustomError(pledges, "PledgeNotFound")
          .withArgs(1n);
      });
    });
  });

  describe("getPledge", function () {
    it("should revert with PledgeNotFound for an unknown id", async function () {
      const { pledges } = await loadFixture(pledgeFixture);
      await expect(pledges.getPledge(0n)).to.be.revertedWithCustomError(pledges, "PledgeNotFound").withArgs(0n);
    });
  });

  describe("with the real DataAssetRegistry and TradeRecorder", function () {
    /** All five contracts wired by deployShuquan; alice holds an asset registered at SHDE, pledged to the lender. */
    async function wiredFixture() {
      const f = await shuquanFixture();
      const assetId = await registerAsset(f.registry, f.shde, f.alice.address, "shanghai taxi trips 2025");
      const terms = await termsFor(f.pledges, f.alice.address, assetId, f.lender.address);
      const sig = await signPledge(f.alice, f.pledges, terms);
      return { ...f, assetId, terms, sig };
    }

    async function pledgedWiredFixture() {
      const f = await wiredFixture();
      await f.pledges.connect(f.lender).registerPledge(f.terms, f.sig);
      return { ...f, pledgeId: 1n };
    }

    it("should be wired to the registry by deployShuquan", async function () {
      const { registry, pledges, tradeRecorder, evidence, participants } = await loadFixture(wiredFixture);
      expect(await registry.pledgeRegistry()).to.equal(await pledges.getAddress());
      expect(await registry.tradeRecorder()).to.equal(await tradeRecorder.getAddress());
      expect(await pledges.registry()).to.equal(await registry.getAddress());
      expect(await evidence.registry()).to.equal(await registry.getAddress());
      expect(await pledges.participants()).to.equal(await participants.getAddress());
    });

    it("should lock the asset in the registry and emit AssetPledgeLockChanged", async function () {
      const { pledges, registry, lender, alice, assetId, terms, sig } = await loadFixture(wiredFixture);
      const tx = pledges.connect(lender).registerPledge(terms, sig);
      await expect(tx).to.emit(registry, "AssetPledgeLockChanged").withArgs(assetId, true, 1n);
      await expect(tx)
        .to.emit(pledges, "PledgeRegistered")
        .withArgs(1n, assetId, lender.address, alice.address, terms.amount, terms.currency, terms.start, terms.end, terms.agreementDigest);
      expect((await registry.getAsset(assetId)).pledged).to.equal(true);
    });

    context("when the asset is pledged", function () {
      it("should refuse a holding-transfer trade with RegistryAssetPledged", async function () {
        const { tradeRecorder, registry, shde, alice, carol, assetId } = await loadFixture(pledgedWiredFixture);
        const trade = await tradeOf(shde.address, assetId, alice.address, carol.address, Right.Holding, { stateNonce: (await registry.getAsset(assetId)).stateNonce });
        const sig = await signTrade(alice, tradeRecorder, trade);
        await expect(tradeRecorder.connect(shde).recordTrade(trade, sig, await signTrade(carol, tradeRecorder, trade)))
          .to.be.revertedWithCustomError(registry, "RegistryAssetPledged")
          .withArgs(assetId);
        expect(await registry.ownerOf(assetId)).to.equal(alice.address);
      });

      it("should refuse an exclusive licence, granted directly or by trade, with RegistryAssetPledged", async function () {
        const { tradeRecorder, registry, shde, alice, carol, assetId } = await loadFixture(pledgedWiredFixture);
        const exclusive = await licenceTerms(30, { exclusive: true });
        await expect(registry.connect(alice).grantLicence(assetId, carol.address, Right.Processing, exclusive))
          .to.be.revertedWithCustomError(registry, "RegistryAssetPledged")
          .withArgs(assetId);
        const trade = await tradeOf(shde.address, assetId, alice.address, carol.address, Right.Processing, {
          licence: exclusive,
        });
        const sig = await signTrade(alice, tradeRecorder, trade);
        await expect(tradeRecorder.connect(shde).recordTrade(trade, sig, await signTrade(carol, tradeRecorder, trade)))
          .to.be.revertedWithCustomError(registry, "RegistryAssetPledged")
          .withArgs(assetId);
      });

      it("should still allow a non-exclusive licence", async function () {
        const { registry, alice, carol, assetId } = await loadFixture(pledgedWiredFixture);
        await expect(
          registry.connect(alice).grantLicence(assetId, carol.address, Right.Processing, await licenceTerms()),
        ).to.emit(registry, "LicenceGranted");
      });

      it("should refuse a second pledge on the registry side too", async function () {
        const { pledges, alice, dave, assetId } = await loadFixture(pledgedWiredFixture);
        const { terms, sig } = await signed(pledges, alice, assetId, dave.address);
        await expect(pledges.connect(dave).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeAssetAlreadyPledged")
          .withArgs(assetId, 1n);
      });
    });

    context("when the pledge is released by the lender", function () {
      it("should unlock the asset so that it can be sold", async function () {
        const { pledges, tradeRecorder, registry, lender, shde, alice, carol, assetId, pledgeId } =
          await loadFixture(pledgedWiredFixture);
        await expect(pledges.connect(lender).releasePledge(pledgeId))
          .to.emit(registry, "AssetPledgeLockChanged")
          .withArgs(assetId, false, pledgeId);
        // locking and unlocking each advanced the asset's state nonce: the parties sign the current one
        const trade = await tradeOf(shde.address, assetId, alice.address, carol.address, Right.Holding, { stateNonce: (await registry.getAsset(assetId)).stateNonce });
        await recordTrade(tradeRecorder, shde, alice, trade);
        expect(await registry.ownerOf(assetId)).to.equal(carol.address);
      });
    });

    context("when the pledge is lifted by the regulator", function () {
      it("should unlock the asset so that an exclusive licence can be granted", async function () {
        const { pledges, registry, regulator, alice, carol, assetId, pledgeId } = await loadFixture(pledgedWiredFixture);
        await pledges.connect(regulator).liftPledge(pledgeId, "financing repaid; lender unreachable");
        expect((await registry.getAsset(assetId)).pledged).to.equal(false);
        await expect(
          registry
            .connect(alice)
            .grantLicence(assetId, carol.address, Right.Processing, await licenceTerms(30, { exclusive: true })),
        ).to.emit(registry, "LicenceGranted");
      });
    });

    context("when the asset has changed holder since the consent was signed", function () {
      it("should revert with PledgeHolderMismatch: the consent names the former holder, and only the current holder can consent", async function () {
        const { pledges, tradeRecorder, shde, alice, carol, lender, assetId, terms, sig } =
          await loadFixture(wiredFixture);
        await recordTrade(tradeRecorder, shde, alice, await tradeOf(shde.address, assetId, alice.address, carol.address));
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeHolderMismatch")
          .withArgs(alice.address, carol.address);
        await expect(pledges.connect(lender).registerPledge({ ...terms, holder: carol.address }, sig))
          .to.be.revertedWithCustomError(pledges, "PledgeInvalidSignature")
          .withArgs(carol.address);
      });
    });

    context("when the asset is core-level data", function () {
      it("should revert with the registry's RegistryCoreData", async function () {
        const { pledges, registry, shde, alice, lender } = await loadFixture(wiredFixture);
        const coreId = await registerAsset(registry, shde, alice.address, "core data", { level: 2 });
        const { terms, sig } = await signed(pledges, alice, coreId, lender.address);
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(registry, "RegistryCoreData")
          .withArgs(coreId);
      });
    });

    context("when the asset is frozen by the regulator", function () {
      it("should revert with RegistryAssetFrozen", async function () {
        const { pledges, registry, regulator, lender, assetId, terms, sig } = await loadFixture(wiredFixture);
        await registry.connect(regulator).freeze(assetId, "investigation");
        await expect(pledges.connect(lender).registerPledge(terms, sig))
          .to.be.revertedWithCustomError(pledges, "RegistryAssetFrozen")
          .withArgs(assetId);
      });
    });

    it("should sign trades with the shared helper exactly as TradeRecorder.hashTrade expects", async function () {
      const { tradeRecorder, shde, alice, carol, assetId } = await loadFixture(wiredFixture);
      const trade = await tradeOf(shde.address, assetId, alice.address, carol.address, Right.Processing);
      expect(await tradeRecorder.hashTrade(trade)).to.equal(await tradeDigest(tradeRecorder, trade));
    });
  });
});
