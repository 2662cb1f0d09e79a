import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  shuquanFixture,
  AssetKind,
  AssetSource,
  DataLevel,
  Right,
  digest,
  exchangeCode,
} from "../helpers/fixture";
import { signPledge, currency } from "../helpers/signing";
import { formatRegistrationNumber } from "../../service/src/digest";
import type { DataAssetRegistry } from "../../typechain-types";
import { FAR_DEADLINE, signApplication, signedRegister } from "../helpers/consent";

const DAY = 86_400;
const CID = "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua";
const ZERO = ethers.ZeroHash;
const SCOPE = digest("scope:analytics");
/** A pledge term end far in the future (the hook tests lock assets directly). */
const FAR_PLEDGE_END = 2n ** 39n;

type Fixture = Awaited<ReturnType<typeof shuquanFixture>>;

/** IDataAssetRegistry.Registration as the tests build it. */
interface Registration {
  contentDigest: string;
  holder: string;
  kind: number;
  source: number;
  level: number;
  metadataDigest: string;
  metadataCid: string;
  consentDigest: string;
  parents: bigint[];
  nonce: bigint;
  deadline: bigint;
}

/** A registration with sensible defaults: an enterprise data resource of general level held by `holder`. */
function registration(label: string, holder: string, overrides: Partial<Registration> = {}): Registration {
  return {
    contentDigest: digest(`content:${label}`),
    holder,
    kind: AssetKind.Resource,
    source: AssetSource.Enterprise,
    level: DataLevel.General,
    metadataDigest: digest(`metadata:${label}`),
    metadataCid: CID,
    consentDigest: ZERO,
    parents: [] as bigint[],
    nonce: 0n,
    deadline: FAR_DEADLINE,
    ...overrides,
  };
}

/** Licence terms starting at `start` (default: the next block) for `days` days. */
async function terms(overrides: Partial<{ start: number; end: number; exclusive: boolean; sublicensable: boolean; revocable: boolean; scopeDigest: string }> = {}) {
  const now = await time.latest();
  const start = overrides.start ?? now + 1;
  return {
    scopeDigest: SCOPE,
    start,
    end: start + 30 * DAY,
    exclusive: false,
    sublicensable: false,
    revocable: true,
    ...overrides,
  };
}

/** The licence id, computed off chain the documented way. */
function licenceId(assetId: bigint, grantee: string, right: number): string {
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint8"], [assetId, grantee, right]));
}

/** Registers `label` at `exchange` for `holder` and returns the asset id. */
async function register(
  f: Fixture,
  label: string,
  holder: HardhatEthersSigner = f.alice,
  exchange: HardhatEthersSigner = f.shde,
  overrides: Partial<Registration> = {},
): Promise<bigint> {
  const r = registration(label, holder.address, overrides);
  await signedRegister(f.registry, exchange, r);
  return BigInt(r.contentDigest);
}

/** shuquanFixture plus: asset A held by alice (SHDE), asset B held by carol (GZDE), core asset C held by alice. */
async function assetsFixture() {
  const f = await shuquanFixture();
  const assetA = await register(f, "A");
  const assetB = await register(f, "B", f.carol, f.gzde);
  const assetCore = await register(f, "core", f.alice, f.shde, { level: DataLevel.Core });
  return { ...f, assetA, assetB, assetCore };
}

/**
 * A second registry over the same participants, wired to two plain accounts standing in for the trade recorder
 * (signer 11) and the pledge registry (signer 12), to drive the module hooks directly.
 */
async function hooksFixture() {
  const f = await assetsFixture();
  const [recorderStub, pledgeStub] = f.signers.slice(11, 13);
  const hooks = (await ethers.deployContract("DataAssetRegistry", [await f.participants.getAddress()])) as unknown as DataAssetRegistry;
  await hooks.wireModules(recorderStub.address, pledgeStub.address);
  const r = registration("H", f.alice.address);
  await signedRegister(hooks, f.shde, r);
  const core = registration("Hcore", f.alice.address, { level: DataLevel.Core });
  await signedRegister(hooks, f.shde, core);
  return { ...f, hooks, recorderStub, pledgeStub, assetH: BigInt(r.contentDigest), assetHCore: BigInt(core.contentDigest) };
}

describe("DataAssetRegistry", function () {
  describe("deployment", function () {
    context("with a participant registry", function () {
      it("should expose the ERC-721 metadata, version, limits and wiring", async function () {
        const f = await loadFixture(shuquanFixture);
        expect(await f.registry.name()).to.equal("Shuquan Data Asset");
        expect(await f.registry.symbol()).to.equal("SQDA");
        expect(await f.registry.version()).to.equal("1.2.0");
        expect(await f.registry.MAX_PARENTS()).to.equal(8n);
        expect(await f.registry.STATUS_REGISTERED()).to.equal(1n);
        expect(await f.registry.participants()).to.equal(await f.participants.getAddress());
        expect(await f.registry.tradeRecorder()).to.equal(await f.tradeRecorder.getAddress());
        expect(await f.registry.pledgeRegistry()).to.equal(await f.pledges.getAddress());
        expect(await f.registry.lifecycle()).to.equal(await f.lifecycle.getAddress());
      });

      it("should support the ERC-165, ERC-721, ERC-721 metadata and IDataAssetRegistry interfaces", async function () {
        const f = await loadFixture(shuquanFixture);
        for (const id of ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f"]) expect(await f.registry.supportsInterface(id)).to.equal(true);
        const iface = f.registry.interface;
        const fns = [
          "register", "freeze", "unfreeze", "grantLicence", "revokeLicence", "transferByTrade", "grantLicenceByTrade",
          "setPledgeLock", "isLicensed", "getLicence", "licenceIdOf", "getAsset", "exists", "registrationNumber",
          "wireModules", "participants", "tradeRecorder", "pledgeRegistry", "MAX_PARENTS", "version",
          "cancelApplications", "applicationNonce", "hashApplication", "cancelRegistration", "reassignRegistration",
          "recordDeidentification",
          "wireLifecycle", "setStatus", "setExchangeTerms", "lifecycle", "exchangeTerms",
          "openAccount", "isAccountOpen", "assetClass",
        ] as const;
        let id = 0n;
        for (const fn of fns) id ^= BigInt(iface.getFunction(fn)!.selector);
        expect(await f.registry.supportsInterface(ethers.toBeHex(id, 4))).to.equal(true);
        expect(await f.registry.supportsInterface("0xffffffff")).to.equal(false);
      });
    });

    context("with a zero participant registry", function () {
      it("should revert with RegistryZeroAddress", async function () {
        const factory = await ethers.getContractFactory("DataAssetRegistry");
        await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "RegistryZeroAddress");
      });
    });
  });

  describe("wireModules", function () {
    async function unwiredFixture() {
      const f = await shuquanFixture();
      const fresh = (await ethers.deployContract("DataAssetRegistry", [await f.participants.getAddress()])) as unknown as DataAssetRegistry;
      return { ...f, fresh };
    }

    context("when the deployer wires once", function () {
      it("should store both modules and emit ModulesWired", async function () {
        const f = await loadFixture(unwiredFixture);
        const [a, b] = [f.signers[11].address, f.signers[12].address];
        await expect(f.fresh.wireModules(a, b)).to.emit(f.fresh, "ModulesWired").withArgs(a, b);
        expect(await f.fresh.tradeRecorder()).to.equal(a);
        expect(await f.fresh.pledgeRegistry()).to.equal(b);
      });
    });

    context("when someone else wires", function () {
      it("should revert with RegistryUnauthorized", async function () {
        const f = await loadFixture(unwiredFixture);
        await expect(f.fresh.connect(f.regulator).wireModules(f.signers[11].address, f.signers[12].address))
          .to.be.revertedWithCustomError(f.fresh, "RegistryUnauthorized")
          .withArgs(f.regulator.address);
      });
    });

    context("when already wired", function () {
      it("should revert with RegistryAlreadyWired", async function () {
        const f = await loadFixture(shuquanFixture);
        await expect(f.registry.wireModules(f.signers[11].address, f.signers[12].address)).to.be.revertedWithCustomError(
          f.registry,
          "RegistryAlreadyWired",
        );
      });
    });

    context("with a zero module", function () {
      it("should revert with RegistryZeroAddress", async function () {
        const f = await loadFixture(unwiredFixture);
        await expect(f.fresh.wireModules(ethers.ZeroAddress, f.signers[12].address)).to.be.revertedWithCustomError(f.fresh, "RegistryZeroAddress");
        await expect(f.fresh.wireModules(f.signers[11].address, ethers.ZeroAddress)).to.be.revertedWithCustomError(f.fresh, "RegistryZeroAddress");
      });
    });
  });

  describe("register", function () {
    context("when an active exchange registers for a recognised holder", function () {
      it("should emit AssetRegistered then Transfer, and store the asset", async function () {
        const f = await loadFixture(shuquanFixture);
        const r = registration("A", f.alice.address, { consentDigest: digest("consent") });
        const id = BigInt(r.contentDigest);
        const tx = signedRegister(f.registry, f.shde, r);
        await expect(tx)
          .to.emit(f.registry, "AssetRegistered")
          .withArgs(id, f.alice.address, f.shde.address, exchangeCode("SHDE"), 1, r.kind, r.source, r.level, r.metadataDigest, CID, r.consentDigest, []);
        await expect(tx).to.emit(f.registry, "Transfer").withArgs(ethers.ZeroAddress, f.alice.address, id);
        const receipt = await (await tx).wait();
        const names = receipt!.logs.map((l) => f.registry.interface.parseLog(l)?.name);
        expect(names).to.deep.equal(["AssetRegistered", "Transfer"]); // no notice, no term: no status event

        const block = await ethers.provider.getBlock(receipt!.blockNumber);
        const a = await f.registry.getAsset(id);
        expect(a.exchange).to.equal(f.shde.address);
        expect(a.registeredAt).to.equal(block!.timestamp);
        expect(a.sequence).to.equal(1n);
        expect(a.kind).to.equal(AssetKind.Resource);
        expect(a.source).to.equal(AssetSource.Enterprise);
        expect(a.level).to.equal(DataLevel.General);
        expect(a.status).to.equal(1n);
        expect(a.frozen).to.equal(false);
        expect(a.pledged).to.equal(false);
        expect(await f.registry.exists(id)).to.equal(true);
        expect(await f.registry.ownerOf(id)).to.equal(f.alice.address);
        expect(await f.registry.balanceOf(f.alice.address)).to.equal(1n);
      });

      it("should return the asset id (uint256 of the content digest)", async function () {
        const f = await loadFixture(shuquanFixture);
        const r = registration("A", f.alice.address);
        const sig = await signApplication(f.alice, f.registry, r, f.shde.address);
        expect(await f.registry.connect(f.shde).register.staticCall(r, sig)).to.equal(BigInt(r.contentDigest));
      });

      it("should pack every kind, source and level faithfully", async function () {
        const f = await loadFixture(shuquanFixture);
        const id = await register(f, "M", f.alice, f.shde, {
          kind: AssetKind.Model,
          source: AssetSource.Personal,
          level: DataLevel.Core,
          consentDigest: digest("consent"),
        });
        const a = await f.registry.getAsset(id);
        expect([a.kind, a.source, a.level]).to.deep.equal([BigInt(AssetKind.Model), BigInt(AssetSource.Personal), BigInt(DataLevel.Core)]);
      });

      it("should number registrations per exchange", async function () {
        const f = await loadFixture(shuquanFixture);
        const a1 = await register(f, "1");
        const a2 = await register(f, "2", f.bob);
        const b1 = await register(f, "3", f.carol, f.gzde);
        const a3 = await register(f, "4", f.carol); // carol is recognised at SHDE through GZDE
        expect((await f.registry.getAsset(a1)).sequence).to.equal(1n);
        expect((await f.registry.getAsset(a2)).sequence).to.equal(2n);
        expect((await f.registry.getAsset(b1)).sequence).to.equal(1n);
        expect((await f.registry.getAsset(a3)).sequence).to.equal(3n);
        expect(await f.registry.balanceOf(f.carol.address)).to.equal(2n);
      });
    });

    context("when the caller is not an active exchange", function () {
      it("should revert with the participant registry's ParticipantsExchangeNotActive", async function () {
        const f = await loadFixture(shuquanFixture);
        await expect(signedRegister(f.registry, f.outsider, registration("A", f.alice.address)))
          .to.be.revertedWithCustomError(f.participants, "ParticipantsExchangeNotActive")
          .withArgs(f.outsider.address);
        await expect(signedRegister(f.registry, f.alice, registration("A", f.alice.address)))
          .to.be.revertedWithCustomError(f.participants, "ParticipantsExchangeNotActive")
          .withArgs(f.alice.address);
      });

      it("should refuse a suspended exchange", async function () {
        const f = await loadFixture(shuquanFixture);
        await f.participants.connect(f.regulator).suspendExchange(f.shde.address, "audit");
        await expect(signedRegister(f.registry, f.shde, registration("A", f.alice.address)))
          .to.be.revertedWithCustomError(f.participants, "ParticipantsExchangeNotActive")
          .withArgs(f.shde.address);
      });
    });

    context("when the holder is not recognised at the exchange", function () {
      it("should revert with ParticipantsNotRecognised", async function () {
        const f = await loadFixture(shuquanFixture);
        // bob is SHDE's merchant; GZDE recognises only alice from SHDE.
        await expect(signedRegister(f.registry, f.gzde, registration("A", f.bob.address)))
          .to.be.revertedWithCustomError(f.participants, "ParticipantsNotRecognised")
          .withArgs(f.bob.address, f.gzde.address);
        await expect(signedRegister(f.registry, f.shde, registration("A", f.outsider.address)))
          .to.be.revertedWithCustomError(f.participants, "ParticipantsNotRecognised")
          .withArgs(f.outsider.address, f.shde.address);
      });

      it("should refuse a suspended merchant", async function () {
        const f = await loadFixture(shuquanFixture);
        await f.participants.connect(f.shde).suspendMerchant(f.alice.address, "kyc");
        await expect(signedRegister(f.registry, f.shde, registration("A", f.alice.address)))
          .to.be.revertedWithCustomError(f.participants, "ParticipantsNotRecognised")
          .withArgs(f.alice.address, f.shde.address);
      });

      it("should refuse a zero holder with RegistryZeroAddress", async function () {
        const f = await loadFixture(shuquanFixture);
        await expect(signedRegister(f.registry, f.shde, registration("A", ethers.ZeroAddress))).to.be.revertedWithCustomError(
          f.registry,
          "RegistryZeroAddress",
        );
      });
    });

    context("with a zero content or metadata digest", function () {
      it("should revert with RegistryInvalidDigest", async function () {
        const f = await loadFixture(shuquanFixture);
        await expect(signedRegister(f.registry, f.shde, registration("A", f.alice.address, { contentDigest: ZERO })))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDigest");
        await expect(signedRegister(f.registry, f.shde, registration("A", f.alice.address, { metadataDigest: ZERO })))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidDigest");
      });
    });

    context("with a content digest registered already", function () {
      it("should revert with RegistryDuplicateDigest, at the same or another exchange", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(signedRegister(f.registry, f.shde, registration("A", f.bob.address)))
          .to.be.revertedWithCustomError(f.registry, "RegistryDuplicateDigest")
          .withArgs(f.assetA);
        await expect(signedRegister(f.registry, f.gzde, registration("A", f.carol.address)))
          .to.be.revertedWithCustomError(f.registry, "RegistryDuplicateDigest")
          .withArgs(f.assetA);
      });
    });

    context("with personal data", function () {
      it("should revert with RegistryConsentRequired without a consent digest", async function () {
        const f = await loadFixture(shuquanFixture);
        const r = registration("P", f.alice.address, { source: AssetSource.Personal });
        await expect(signedRegister(f.registry, f.shde, r))
          .to.be.revertedWithCustomError(f.registry, "RegistryConsentRequired")
          .withArgs(BigInt(r.contentDigest));
      });

      it("should register with a consent digest", async function () {
        const f = await loadFixture(shuquanFixture);
        const id = await register(f, "P", f.alice, f.shde, { source: AssetSource.Personal, consentDigest: digest("consent") });
        expect((await f.registry.getAsset(id)).source).to.equal(BigInt(AssetSource.Personal));
      });
    });

    context("with core-level data", function () {
      it("should register it (it can never trade or be licensed)", async function () {
        const f = await loadFixture(assetsFixture);
        expect((await f.registry.getAsset(f.assetCore)).level).to.equal(BigInt(DataLevel.Core));
      });
    });

    describe("lineage", function () {
      context("when the holder holds every parent", function () {
        it("should register and list the parents in the event", async function () {
          const f = await loadFixture(assetsFixture);
          const p2 = await register(f, "A2");
          const r = registration("D", f.alice.address, { kind: AssetKind.Product, parents: [f.assetA, p2] });
          await expect(signedRegister(f.registry, f.shde, r))
            .to.emit(f.registry, "AssetRegistered")
            .withArgs(BigInt(r.contentDigest), f.alice.address, f.shde.address, exchangeCode("SHDE"), 4, AssetKind.Product, r.source, r.level, r.metadataDigest, CID, ZERO, [f.assetA, p2]);
        });
      });

      context("when the holder has a processing licence in force on a parent", function () {
        it("should register", async function () {
          const f = await loadFixture(assetsFixture);
          await f.registry.connect(f.carol).grantLicence(f.assetB, f.alice.address, Right.Processing, await terms());
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetB] }))).to.emit(
            f.registry,
            "AssetRegistered",
          );
        });
      });

      context("when the holder neither holds nor may process a parent", function () {
        it("should revert with RegistryParentUnauthorized", async function () {
          const f = await loadFixture(assetsFixture);
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetA, f.assetB] })))
            .to.be.revertedWithCustomError(f.registry, "RegistryParentUnauthorized")
            .withArgs(f.assetB, f.alice.address);
        });

        it("should not accept an operating or product-use licence in place of processing", async function () {
          const f = await loadFixture(assetsFixture);
          await f.registry.connect(f.carol).grantLicence(f.assetB, f.alice.address, Right.Operating, await terms());
          await f.registry.connect(f.carol).grantLicence(f.assetB, f.alice.address, Right.ProductUse, await terms());
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetB] })))
            .to.be.revertedWithCustomError(f.registry, "RegistryParentUnauthorized")
            .withArgs(f.assetB, f.alice.address);
        });

        it("should refuse when the processing licence has expired", async function () {
          const f = await loadFixture(assetsFixture);
          const t = await terms();
          await f.registry.connect(f.carol).grantLicence(f.assetB, f.alice.address, Right.Processing, t);
          await time.increaseTo(t.end);
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetB] })))
            .to.be.revertedWithCustomError(f.registry, "RegistryParentUnauthorized")
            .withArgs(f.assetB, f.alice.address);
        });

        it("should refuse when the processing licence was revoked", async function () {
          const f = await loadFixture(assetsFixture);
          await f.registry.connect(f.carol).grantLicence(f.assetB, f.alice.address, Right.Processing, await terms());
          await f.registry.connect(f.carol).revokeLicence(f.assetB, f.alice.address, Right.Processing, "breach");
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetB] })))
            .to.be.revertedWithCustomError(f.registry, "RegistryParentUnauthorized")
            .withArgs(f.assetB, f.alice.address);
        });

        it("should refuse when the processing licence has not started", async function () {
          const f = await loadFixture(assetsFixture);
          const t = await terms({ start: (await time.latest()) + 10 * DAY });
          await f.registry.connect(f.carol).grantLicence(f.assetB, f.alice.address, Right.Processing, t);
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetB] })))
            .to.be.revertedWithCustomError(f.registry, "RegistryParentUnauthorized")
            .withArgs(f.assetB, f.alice.address);
          await time.increaseTo(t.start);
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetB] }))).to.emit(
            f.registry,
            "AssetRegistered",
          );
        });

        it("should refuse once the holder has sold the parent", async function () {
          const f = await loadFixture(hooksFixture);
          await f.hooks.connect(f.recorderStub).transferByTrade(f.assetH, f.alice.address, f.bob.address, 1n, 0n);
          await expect(signedRegister(f.hooks, f.shde, registration("D", f.alice.address, { parents: [f.assetH] })))
            .to.be.revertedWithCustomError(f.hooks, "RegistryParentUnauthorized")
            .withArgs(f.assetH, f.alice.address);
        });
      });

      context("with more than MAX_PARENTS parents", function () {
        it("should revert with RegistryTooManyParents", async function () {
          const f = await loadFixture(assetsFixture);
          const parents = Array.from({ length: 9 }, (_, i) => BigInt(digest(`p${i}`)));
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents })))
            .to.be.revertedWithCustomError(f.registry, "RegistryTooManyParents")
            .withArgs(9, 8);
        });

        it("should accept exactly MAX_PARENTS held parents", async function () {
          const f = await loadFixture(assetsFixture);
          const parents: bigint[] = [];
          for (let i = 0; i < 8; i++) parents.push(await register(f, `p${i}`));
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents }))).to.emit(f.registry, "AssetRegistered");
        });
      });

      context("with the asset itself as a parent", function () {
        it("should revert with RegistrySelfParent", async function () {
          const f = await loadFixture(assetsFixture);
          const r = registration("D", f.alice.address);
          r.parents = [BigInt(r.contentDigest)];
          await expect(signedRegister(f.registry, f.shde, r))
            .to.be.revertedWithCustomError(f.registry, "RegistrySelfParent")
            .withArgs(BigInt(r.contentDigest));
        });
      });

      context("with a parent listed twice", function () {
        it("should revert with RegistryDuplicateParent", async function () {
          const f = await loadFixture(assetsFixture);
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetA, f.assetA] })))
            .to.be.revertedWithCustomError(f.registry, "RegistryDuplicateParent")
            .withArgs(f.assetA);
        });
      });

      context("with an unregistered parent", function () {
        it("should revert with RegistryAssetNotFound", async function () {
          const f = await loadFixture(assetsFixture);
          const ghost = BigInt(digest("ghost"));
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [ghost] })))
            .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound")
            .withArgs(ghost);
        });
      });

      context("with a frozen parent", function () {
        it("should revert with RegistryAssetFrozen", async function () {
          const f = await loadFixture(assetsFixture);
          await f.registry.connect(f.regulator).freeze(f.assetA, "dispute");
          await expect(signedRegister(f.registry, f.shde, registration("D", f.alice.address, { parents: [f.assetA] })))
            .to.be.revertedWithCustomError(f.registry, "RegistryAssetFrozen")
            .withArgs(f.assetA);
        });
      });
    });

    describe("gas", function () {
      it("should report register and grant gas (no parents, new and existing holder; 2 licensed parents)", async function () {
        const f = await loadFixture(assetsFixture);
        const g = async (p: Promise<{ wait(): Promise<unknown> }>) =>
          ((await (await p).wait()) as { gasUsed: bigint }).gasUsed;
        const newHolder = await g(signedRegister(f.registry, f.shde, registration("g1", f.dave.address)));
        const existing = await g(signedRegister(f.registry, f.shde, registration("g2", f.dave.address)));
        const b2 = await register(f, "B2", f.carol, f.gzde);
        await f.registry.connect(f.carol).grantLicence(f.assetB, f.dave.address, Right.Processing, await terms());
        await f.registry.connect(f.carol).grantLicence(b2, f.dave.address, Right.Processing, await terms());
        const twoParents = await g(signedRegister(f.registry, f.shde, registration("g3", f.dave.address, { parents: [f.assetB, b2] })));
        const grant = await g(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms()));
        // Measured, not asserted (the gas report is the benchmark's job).
        console.log(`      register: new holder ${newHolder}, existing holder ${existing}, 2 licensed parents ${twoParents}; grant ${grant}`);
      });
    });
  });

  describe("registrationNumber", function () {
    context("for a registered asset", function () {
      it("should format CODE-YYYY-KS-NNNNNNNN-C as the TypeScript twin does", async function () {
        const f = await loadFixture(shuquanFixture);
        const at = Date.parse("2035-12-31T23:59:58Z") / 1000;
        await time.setNextBlockTimestamp(at);
        const a = await register(f, "x", f.alice, f.shde, { kind: AssetKind.Product, source: AssetSource.Public });
        await time.setNextBlockTimestamp(at + 2); // 2036-01-01T00:00:00Z
        const b = await register(f, "y", f.carol, f.gzde, { kind: AssetKind.Compute });
        expect(await f.registry.registrationNumber(a)).to.equal(
          formatRegistrationNumber({ exchangeCode: "SHDE", registeredAt: at, kind: "product", source: "public", sequence: 1 }),
        );
        expect(await f.registry.registrationNumber(a)).to.match(/^SHDE-2035-PG-00000001-[0-9A-Z]$/);
        expect(await f.registry.registrationNumber(b)).to.equal(
          formatRegistrationNumber({ exchangeCode: "GZDE", registeredAt: at + 2, kind: "compute", source: "enterprise", sequence: 1 }),
        );
        expect(await f.registry.registrationNumber(b)).to.match(/^GZDE-2036-CE-00000001-[0-9A-Z]$/);
      });
    });

    context("for an unknown asset", function () {
      it("should revert with RegistryAssetNotFound", async function () {
        const f = await loadFixture(shuquanFixture);
        await expect(f.registry.registrationNumber(1n)).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound").withArgs(1n);
      });
    });
  });

  describe("views", function () {
    context("for an unknown asset", function () {
      it("should report it missing", async function () {
        const f = await loadFixture(shuquanFixture);
        expect(await f.registry.exists(7n)).to.equal(false);
        await expect(f.registry.getAsset(7n)).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound").withArgs(7n);
        await expect(f.registry.ownerOf(7n)).to.be.revertedWithCustomError(f.registry, "ERC721NonexistentToken").withArgs(7n);
      });
    });

    context("for balances", function () {
      it("should refuse the zero address like ERC-721", async function () {
        const f = await loadFixture(shuquanFixture);
        await expect(f.registry.balanceOf(ethers.ZeroAddress)).to.be.revertedWithCustomError(f.registry, "ERC721InvalidOwner");
        expect(await f.registry.balanceOf(f.bob.address)).to.equal(0n);
      });
    });

    context("for licence ids", function () {
      it("should equal keccak256(abi.encode(assetId, grantee, uint8 right))", async function () {
        const f = await loadFixture(shuquanFixture);
        expect(await f.registry.licenceIdOf(5n, f.bob.address, Right.Operating)).to.equal(licenceId(5n, f.bob.address, Right.Operating));
      });
    });

    context("for asset classes", function () {
      it("should return kind, source and level, and refuse an unknown asset", async function () {
        const f = await loadFixture(shuquanFixture);
        const id = await register(f, "class", f.alice, f.shde, {
          kind: AssetKind.Model,
          source: AssetSource.Personal,
          level: DataLevel.Important,
          consentDigest: digest("consent"),
        });
        expect(await f.registry.assetClass(id)).to.deep.equal([BigInt(AssetKind.Model), BigInt(AssetSource.Personal), BigInt(DataLevel.Important)]);
        await expect(f.registry.assetClass(7n)).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound").withArgs(7n);
      });
    });
  });

  describe("openAccount", function () {
    context("for an account that never held an asset", function () {
      it("should mark its slot open, emit AccountOpened, and change no balance or nonce", async function () {
        const f = await loadFixture(shuquanFixture);
        expect(await f.registry.isAccountOpen(f.dave.address)).to.equal(false);
        await expect(f.registry.connect(f.shde).openAccount(f.dave.address))
          .to.emit(f.registry, "AccountOpened")
          .withArgs(f.dave.address, f.shde.address);
        expect(await f.registry.isAccountOpen(f.dave.address)).to.equal(true);
        expect(await f.registry.balanceOf(f.dave.address)).to.equal(0n);
        expect(await f.registry.applicationNonce(f.dave.address)).to.equal(0n);
        // the nonce above the mark still counts and still voids applications
        await f.registry.connect(f.dave).cancelApplications();
        expect(await f.registry.applicationNonce(f.dave.address)).to.equal(1n);
        expect(await f.registry.balanceOf(f.dave.address)).to.equal(0n);
      });

      it("should let its first registration cost what a later one does (no fresh slot)", async function () {
        const f = await loadFixture(shuquanFixture);
        const g = async (p: Promise<{ wait(): Promise<unknown> }>) => ((await (await p).wait()) as { gasUsed: bigint }).gasUsed;
        await register(f, "warm-up", f.alice); // the exchange's sequence slot is non-zero from here on
        // carol and dave are both GZDE merchants registering at SHDE (the same recognition path)
        const unopened = await g(signedRegister(f.registry, f.shde, registration("first of carol", f.carol.address)));
        await f.registry.openAccount(f.dave.address);
        const opened = await g(signedRegister(f.registry, f.shde, registration("first of dave", f.dave.address)));
        const later = await g(signedRegister(f.registry, f.shde, registration("second of dave", f.dave.address)));
        expect(await f.registry.balanceOf(f.dave.address)).to.equal(2n);
        // 20,000 (zero to non-zero) against 2,900 (non-zero to non-zero); the rest of the two registrations is equal
        expect(unopened - opened).to.be.within(17_000n, 17_200n);
        expect(opened - later).to.be.within(-100n, 100n);
      });
    });

    context("for the zero address or an account already open", function () {
      it("should revert with RegistryZeroAddress or RegistryAccountAlreadyOpen", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(f.registry.openAccount(ethers.ZeroAddress)).to.be.revertedWithCustomError(f.registry, "RegistryZeroAddress");
        // alice holds assets: her slot is open
        await expect(f.registry.openAccount(f.alice.address))
          .to.be.revertedWithCustomError(f.registry, "RegistryAccountAlreadyOpen")
          .withArgs(f.alice.address);
        await f.registry.openAccount(f.dave.address);
        await expect(f.registry.connect(f.dave).openAccount(f.dave.address))
          .to.be.revertedWithCustomError(f.registry, "RegistryAccountAlreadyOpen")
          .withArgs(f.dave.address);
      });
    });

    context("when an account sells its last asset", function () {
      it("should clear a slot never opened (as ERC-721 does) and keep an opened one, counting from zero", async function () {
        const f = await loadFixture(hooksFixture);
        const move = (from: string, to: string, id: bigint) =>
          f.hooks.connect(f.recorderStub).transferByTrade(id, from, to, 1n, 0n);
        await move(f.alice.address, f.bob.address, f.assetH);
        expect(await f.hooks.isAccountOpen(f.bob.address)).to.equal(true); // holding
        await move(f.bob.address, f.carol.address, f.assetH);
        expect(await f.hooks.balanceOf(f.bob.address)).to.equal(0n);
        expect(await f.hooks.isAccountOpen(f.bob.address)).to.equal(false); // cleared: the 4.8k refund
        await f.hooks.openAccount(f.dave.address);
        await move(f.carol.address, f.dave.address, f.assetH);
        expect(await f.hooks.balanceOf(f.dave.address)).to.equal(1n);
        await move(f.dave.address, f.bob.address, f.assetH);
        expect(await f.hooks.balanceOf(f.dave.address)).to.equal(0n);
        expect(await f.hooks.isAccountOpen(f.dave.address)).to.equal(true); // opened: stays non-zero
        await move(f.bob.address, f.dave.address, f.assetH);
        expect(await f.hooks.balanceOf(f.dave.address)).to.equal(1n);
        expect(await f.hooks.balanceOf(f.bob.address)).to.equal(0n);
        expect(await f.hooks.balanceOf(f.alice.address)).to.equal(1n);
      });
    });
  });

  describe("freeze and unfreeze", function () {
    context("when the regulator acts", function () {
      it("should freeze and unfreeze with reasons", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(f.registry.connect(f.regulator).freeze(f.assetA, "court order"))
          .to.emit(f.registry, "AssetFrozen")
          .withArgs(f.assetA, f.regulator.address, "court order");
        expect((await f.registry.getAsset(f.assetA)).frozen).to.equal(true);
        await expect(f.registry.connect(f.regulator).unfreeze(f.assetA, "order lifted"))
          .to.emit(f.registry, "AssetUnfrozen")
          .withArgs(f.assetA, f.regulator.address, "order lifted");
        expect((await f.registry.getAsset(f.assetA)).frozen).to.equal(false);
      });
    });

    context("when anyone else acts", function () {
      it("should revert with RegistryUnauthorized", async function () {
        const f = await loadFixture(assetsFixture);
        for (const who of [f.shde, f.alice, f.outsider]) {
          await expect(f.registry.connect(who).freeze(f.assetA, "x")).to.be.revertedWithCustomError(f.registry, "RegistryUnauthorized").withArgs(who.address);
        }
        await f.registry.connect(f.regulator).freeze(f.assetA, "x");
        await expect(f.registry.connect(f.shde).unfreeze(f.assetA, "x")).to.be.revertedWithCustomError(f.registry, "RegistryUnauthorized").withArgs(f.shde.address);
      });
    });

    context("with an unknown asset or the wrong state", function () {
      it("should revert with RegistryAssetNotFound, RegistryAssetFrozen or RegistryAssetNotFrozen", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(f.registry.connect(f.regulator).freeze(9n, "x")).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound").withArgs(9n);
        await expect(f.registry.connect(f.regulator).unfreeze(f.assetA, "x")).to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFrozen").withArgs(f.assetA);
        await f.registry.connect(f.regulator).freeze(f.assetA, "x");
        await expect(f.registry.connect(f.regulator).freeze(f.assetA, "x")).to.be.revertedWithCustomError(f.registry, "RegistryAssetFrozen").withArgs(f.assetA);
      });
    });
  });

  describe("grantLicence", function () {
    context("when the holder grants a processing licence", function () {
      it("should store one licence and emit LicenceGranted", async function () {
        const f = await loadFixture(assetsFixture);
        const t = await terms({ sublicensable: true });
        const id = licenceId(f.assetA, f.bob.address, Right.Processing);
        await time.setNextBlockTimestamp(t.start); // a slow run must not move the block past the terms' start (it would be clamped)
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, t))
          .to.emit(f.registry, "LicenceGranted")
          .withArgs(id, f.assetA, f.bob.address, f.alice.address, Right.Processing, SCOPE, t.start, t.end, false, true, true, 0);
        const l = await f.registry.getLicence(f.assetA, f.bob.address, Right.Processing);
        expect(l.grantor).to.equal(f.alice.address);
        expect(l.start).to.equal(BigInt(t.start));
        expect(l.end).to.equal(BigInt(t.end));
        expect(l.flags).to.equal(2n | 4n);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, t.start)).to.equal(true);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, t.start - 1)).to.equal(false);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, t.end - 1)).to.equal(true);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, t.end)).to.equal(false);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Operating, t.start)).to.equal(false);
        expect(await f.registry.isLicensed(f.assetA, f.alice.address, Right.Holding, t.start)).to.equal(false);
      });

      it("should return the licence id", async function () {
        const f = await loadFixture(assetsFixture);
        expect(await f.registry.connect(f.alice).grantLicence.staticCall(f.assetA, f.bob.address, Right.Processing, await terms())).to.equal(
          licenceId(f.assetA, f.bob.address, Right.Processing),
        );
      });

      it("should raise a start in the past to the grant time", async function () {
        const f = await loadFixture(assetsFixture);
        const now = await time.latest();
        const t = await terms({ start: now - 10 * DAY, end: now + 10 * DAY });
        await time.setNextBlockTimestamp(now + 5);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, t))
          .to.emit(f.registry, "LicenceGranted")
          .withArgs(licenceId(f.assetA, f.bob.address, Right.Processing), f.assetA, f.bob.address, f.alice.address, Right.Processing, SCOPE, now + 5, t.end, false, false, true, 0);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, now)).to.equal(false);
      });
    });

    context("with the holding right", function () {
      it("should revert with RegistryInvalidRight", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Holding, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryInvalidRight")
          .withArgs(Right.Holding);
      });
    });

    context("when the grantor may not grant", function () {
      it("should revert with RegistryNotGrantor for a merchant who is not the holder", async function () {
        const f = await loadFixture(assetsFixture);
        for (const right of [Right.Processing, Right.Operating, Right.ProductUse]) {
          await expect(f.registry.connect(f.bob).grantLicence(f.assetA, f.carol.address, right, await terms()))
            .to.be.revertedWithCustomError(f.registry, "RegistryNotGrantor")
            .withArgs(f.assetA, f.bob.address, right);
        }
      });

      it("should revert with RegistryParticipantInactive for a grantor or grantee who is not an active merchant", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(f.registry.connect(f.outsider).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryParticipantInactive")
          .withArgs(f.outsider.address);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.outsider.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryParticipantInactive")
          .withArgs(f.outsider.address);
        await f.participants.connect(f.regulator).suspendMerchant(f.alice.address, "fraud");
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryParticipantInactive")
          .withArgs(f.alice.address);
      });

      it("should refuse when the grantee's home exchange is suspended", async function () {
        const f = await loadFixture(assetsFixture);
        await f.participants.connect(f.regulator).suspendExchange(f.gzde.address, "audit");
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryParticipantInactive")
          .withArgs(f.carol.address);
      });

      it("should revert with RegistryZeroAddress for a zero grantee", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, ethers.ZeroAddress, Right.Processing, await terms())).to.be.revertedWithCustomError(
          f.registry,
          "RegistryZeroAddress",
        );
      });
    });

    context("with invalid terms", function () {
      it("should revert with RegistryInvalidLicenceTerms for no scope, start >= end or an end in the past", async function () {
        const f = await loadFixture(assetsFixture);
        const now = await time.latest();
        const bad = [
          await terms({ scopeDigest: ZERO }),
          await terms({ start: now + 100, end: now + 100 }),
          await terms({ start: now + 100, end: now + 50 }),
          await terms({ start: now - 100, end: now - 1 }),
          await terms({ start: now - 100, end: now + 1 }), // ends at the very second of the grant
        ];
        for (const t of bad) {
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, t)).to.be.revertedWithCustomError(
            f.registry,
            "RegistryInvalidLicenceTerms",
          );
        }
      });
    });

    context("on an unknown, frozen, core-level or pledged asset", function () {
      it("should revert with RegistryAssetNotFound for an unknown asset", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(f.registry.connect(f.alice).grantLicence(3n, f.bob.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryAssetNotFound")
          .withArgs(3n);
      });

      it("should revert with RegistryAssetFrozen while frozen, and license again once unfrozen", async function () {
        const f = await loadFixture(assetsFixture);
        await f.registry.connect(f.regulator).freeze(f.assetA, "dispute");
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryAssetFrozen")
          .withArgs(f.assetA);
        await f.registry.connect(f.regulator).unfreeze(f.assetA, "resolved");
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms())).to.emit(f.registry, "LicenceGranted");
      });

      it("should revert with RegistryCoreData for core-level data", async function () {
        const f = await loadFixture(assetsFixture);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetCore, f.bob.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryCoreData")
          .withArgs(f.assetCore);
      });

      it("should refuse an exclusive licence on a pledged asset but allow a non-exclusive one", async function () {
        const f = await loadFixture(pledgedFixture);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms({ exclusive: true })))
          .to.be.revertedWithCustomError(f.registry, "RegistryAssetPledged")
          .withArgs(f.assetA);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms())).to.emit(f.registry, "LicenceGranted");
      });
    });

    context("when the grantee already has a licence of that right", function () {
      it("should revert with RegistryLicenceActive while it is in force or pending", async function () {
        const f = await loadFixture(assetsFixture);
        const id = licenceId(f.assetA, f.bob.address, Right.Processing);
        await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms({ start: (await time.latest()) + 5 * DAY }));
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryLicenceActive")
          .withArgs(id);
        await time.increase(6 * DAY);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms()))
          .to.be.revertedWithCustomError(f.registry, "RegistryLicenceActive")
          .withArgs(id);
      });

      it("should re-grant once the previous licence expired", async function () {
        const f = await loadFixture(assetsFixture);
        const t = await terms();
        await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, t);
        await time.increaseTo(t.end);
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms())).to.emit(f.registry, "LicenceGranted");
      });

      it("should re-grant once the previous licence was revoked", async function () {
        const f = await loadFixture(assetsFixture);
        await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms());
        await f.registry.connect(f.alice).revokeLicence(f.assetA, f.bob.address, Right.Processing, "renegotiated");
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms())).to.emit(f.registry, "LicenceGranted");
      });

      it("should treat each right separately", async function () {
        const f = await loadFixture(assetsFixture);
        await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms());
        await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Operating, await terms())).to.emit(f.registry, "LicenceGranted");
      });
    });

    describe("exclusivity", function () {
      context("when an exclusive licence is in force", function () {
        it("should refuse an overlapping non-exclusive grant of the same right", async function () {
          const f = await loadFixture(assetsFixture);
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms({ exclusive: true }));
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms()))
            .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict")
            .withArgs(f.assetA, Right.Processing);
        });

        it("should refuse an overlapping exclusive grant of the same right", async function () {
          const f = await loadFixture(assetsFixture);
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, await terms({ exclusive: true }));
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms({ exclusive: true })))
            .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict")
            .withArgs(f.assetA, Right.Processing);
        });

        it("should allow grants of another right, and grants that start when it ends", async function () {
          const f = await loadFixture(assetsFixture);
          const ex = await terms({ exclusive: true });
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, ex);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Operating, await terms())).to.emit(f.registry, "LicenceGranted");
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms({ start: ex.end }))).to.emit(
            f.registry,
            "LicenceGranted",
          );
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.dave.address, Right.Processing, await terms({ start: ex.end, exclusive: true })))
            .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict")
            .withArgs(f.assetA, Right.Processing);
        });

        it("should allow back-to-back exclusive licences and block the whole envelope for others", async function () {
          const f = await loadFixture(assetsFixture);
          const first = await terms({ exclusive: true });
          const second = await terms({ exclusive: true, start: first.end, end: first.end + 10 * DAY });
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, first);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, second)).to.emit(f.registry, "LicenceGranted");
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.dave.address, Right.Processing, await terms({ start: first.end + DAY, end: first.end + 2 * DAY })))
            .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict")
            .withArgs(f.assetA, Right.Processing);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.dave.address, Right.Processing, await terms({ start: second.end }))).to.emit(
            f.registry,
            "LicenceGranted",
          );
        });

        it("should free the window once the exclusive licence is revoked or has expired", async function () {
          const f = await loadFixture(assetsFixture);
          const ex = await terms({ exclusive: true });
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, ex);
          await f.registry.connect(f.regulator).revokeLicence(f.assetA, f.bob.address, Right.Processing, "abuse");
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms({ exclusive: true }))).to.emit(
            f.registry,
            "LicenceGranted",
          );
          await time.increaseTo((await f.registry.getLicence(f.assetA, f.carol.address, Right.Processing)).end);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.dave.address, Right.Processing, await terms())).to.emit(f.registry, "LicenceGranted");
        });

        it("should keep an earlier exclusive licence's window when a later, not yet started one is revoked", async function () {
          const f = await loadFixture(assetsFixture);
          const first = await terms({ exclusive: true });
          const second = await terms({ exclusive: true, start: first.end, end: first.end + 10 * DAY });
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, first);
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, second);
          await f.registry.connect(f.alice).revokeLicence(f.assetA, f.carol.address, Right.Processing, "cancelled");
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.dave.address, Right.Processing, await terms()))
            .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict")
            .withArgs(f.assetA, Right.Processing);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.dave.address, Right.Processing, await terms({ start: first.end }))).to.emit(
            f.registry,
            "LicenceGranted",
          );
        });
      });

      context("when a non-exclusive licence is in force", function () {
        it("should refuse an overlapping exclusive grant", async function () {
          const f = await loadFixture(assetsFixture);
          const ne = await terms();
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, ne);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms({ exclusive: true })))
            .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict")
            .withArgs(f.assetA, Right.Processing);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms({ exclusive: true, start: ne.end }))).to.emit(
            f.registry,
            "LicenceGranted",
          );
        });

        it("should allow an exclusive grant of another right, or after the licence expired", async function () {
          const f = await loadFixture(assetsFixture);
          const ne = await terms();
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, ne);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Operating, await terms({ exclusive: true }))).to.emit(
            f.registry,
            "LicenceGranted",
          );
          await time.increaseTo(ne.end);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms({ exclusive: true }))).to.emit(
            f.registry,
            "LicenceGranted",
          );
        });

        it("should (conservatively) keep blocking exclusive grants until a revoked licence's original end", async function () {
          const f = await loadFixture(assetsFixture);
          const ne = await terms();
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, ne);
          await f.registry.connect(f.alice).revokeLicence(f.assetA, f.bob.address, Right.Processing, "ended early");
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms({ exclusive: true })))
            .to.be.revertedWithCustomError(f.registry, "RegistryExclusiveConflict")
            .withArgs(f.assetA, Right.Processing);
          await time.increaseTo(ne.end);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Processing, await terms({ exclusive: true }))).to.emit(
            f.registry,
            "LicenceGranted",
          );
        });
      });
    });

    describe("product use", function () {
      async function operatorFixture() {
        const f = await assetsFixture();
        const op = await terms({ sublicensable: true, end: (await time.latest()) + 60 * DAY });
        await f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Operating, op);
        return { ...f, op };
      }

      context("when the holder grants product use", function () {
        it("should grant it", async function () {
          const f = await loadFixture(assetsFixture);
          await expect(f.registry.connect(f.alice).grantLicence(f.assetA, f.dave.address, Right.ProductUse, await terms())).to.emit(f.registry, "LicenceGranted");
        });
      });

      context("when a sub-licensing operator grants product use", function () {
        it("should grant it with the operator as grantor", async function () {
          const f = await loadFixture(operatorFixture);
          const t = await terms();
          await expect(f.registry.connect(f.carol).grantLicence(f.assetA, f.dave.address, Right.ProductUse, t))
            .to.emit(f.registry, "LicenceGranted")
            .withArgs(licenceId(f.assetA, f.dave.address, Right.ProductUse), f.assetA, f.dave.address, f.carol.address, Right.ProductUse, SCOPE, t.start, t.end, false, false, true, 0);
          expect((await f.registry.getLicence(f.assetA, f.dave.address, Right.ProductUse)).grantor).to.equal(f.carol.address);
          // the operator, as grantor, may revoke it
          await expect(f.registry.connect(f.carol).revokeLicence(f.assetA, f.dave.address, Right.ProductUse, "unpaid")).to.emit(f.registry, "LicenceRevoked");
        });

        it("should refuse a product-use licence that outlasts the operating licence", async function () {
          const f = await loadFixture(operatorFixture);
          await expect(f.registry.connect(f.carol).grantLicence(f.assetA, f.dave.address, Right.ProductUse, await terms({ end: f.op.end + 1 }))).to.be.revertedWithCustomError(
            f.registry,
            "RegistryInvalidLicenceTerms",
          );
        });

        it("should not let the operator grant processing or operating", async function () {
          const f = await loadFixture(operatorFixture);
          for (const right of [Right.Processing, Right.Operating]) {
            await expect(f.registry.connect(f.carol).grantLicence(f.assetA, f.dave.address, right, await terms()))
              .to.be.revertedWithCustomError(f.registry, "RegistryNotGrantor")
              .withArgs(f.assetA, f.carol.address, right);
          }
        });
      });

      context("when the operator's licence does not allow it", function () {
        it("should refuse without the sublicensable flag", async function () {
          const f = await loadFixture(assetsFixture);
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Operating, await terms());
          await expect(f.registry.connect(f.carol).grantLicence(f.assetA, f.dave.address, Right.ProductUse, await terms()))
            .to.be.revertedWithCustomError(f.registry, "RegistryNotGrantor")
            .withArgs(f.assetA, f.carol.address, Right.ProductUse);
        });

        it("should refuse once the operating licence expired, was revoked, or before it starts", async function () {
          const f = await loadFixture(assetsFixture);
          const later = await terms({ sublicensable: true, start: (await time.latest()) + 5 * DAY });
          await f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Operating, later);
          await expect(f.registry.connect(f.carol).grantLicence(f.assetA, f.dave.address, Right.ProductUse, await terms()))
            .to.be.revertedWithCustomError(f.registry, "RegistryNotGrantor")
            .withArgs(f.assetA, f.carol.address, Right.ProductUse);
          await time.increaseTo(later.start);
          await f.registry.connect(f.alice).revokeLicence(f.assetA, f.carol.address, Right.Operating, "breach");
          await expect(f.registry.connect(f.carol).grantLicence(f.assetA, f.dave.address, Right.ProductUse, await terms()))
            .to.be.revertedWithCustomError(f.registry, "RegistryNotGrantor")
            .withArgs(f.assetA, f.carol.address, Right.ProductUse);
        });
      });
    });
  });

  describe("revokeLicence", function () {
    async function licensedFixture() {
      const f = await assetsFixture();
      const t = await terms();
      await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, t);
      await f.registry.connect(f.alice).grantLicence(f.assetA, f.carol.address, Right.Operating, await terms({ revocable: false }));
      return { ...f, t };
    }

    context("when the grantor revokes a revocable licence", function () {
      it("should truncate it to now, set the revoked flag and emit LicenceRevoked", async function () {
        const f = await loadFixture(licensedFixture);
        await time.increase(3 * DAY);
        const at = (await time.latest()) + 1;
        await time.setNextBlockTimestamp(at);
        await expect(f.registry.connect(f.alice).revokeLicence(f.assetA, f.bob.address, Right.Processing, "breach"))
          .to.emit(f.registry, "LicenceRevoked")
          .withArgs(licenceId(f.assetA, f.bob.address, Right.Processing), f.assetA, f.alice.address, false, at, "breach");
        const l = await f.registry.getLicence(f.assetA, f.bob.address, Right.Processing);
        expect(l.end).to.equal(BigInt(at));
        expect(l.start).to.equal(BigInt(f.t.start));
        expect(l.flags & 8n).to.equal(8n);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, at - 1)).to.equal(true);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, at)).to.equal(false);
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, f.t.end - 1)).to.equal(false);
      });
    });

    context("when the grantor is suspended", function () {
      it("should revert with RegistryParticipantInactive, while the regulator still may revoke", async function () {
        const f = await loadFixture(licensedFixture);
        await f.participants.connect(f.shde).suspendMerchant(f.alice.address, "kyc");
        await expect(f.registry.connect(f.alice).revokeLicence(f.assetA, f.bob.address, Right.Processing, "x"))
          .to.be.revertedWithCustomError(f.registry, "RegistryParticipantInactive")
          .withArgs(f.alice.address);
        await expect(f.registry.connect(f.regulator).revokeLicence(f.assetA, f.bob.address, Right.Processing, "x")).to.emit(f.registry, "LicenceRevoked");
      });
    });

    context("when the grantor revokes an irrevocable licence", function () {
      it("should revert with RegistryLicenceNotRevocable", async function () {
        const f = await loadFixture(licensedFixture);
        await expect(f.registry.connect(f.alice).revokeLicence(f.assetA, f.carol.address, Right.Operating, "x"))
          .to.be.revertedWithCustomError(f.registry, "RegistryLicenceNotRevocable")
          .withArgs(licenceId(f.assetA, f.carol.address, Right.Operating));
      });
    });

    context("when the regulator revokes", function () {
      it("should revoke even an irrevocable licence, flagged byRegulator", async function () {
        const f = await loadFixture(licensedFixture);
        await expect(f.registry.connect(f.regulator).revokeLicence(f.assetA, f.carol.address, Right.Operating, "order"))
          .to.emit(f.registry, "LicenceRevoked")
          .withArgs(licenceId(f.assetA, f.carol.address, Right.Operating), f.assetA, f.regulator.address, true, (await time.latest()) + 1, "order");
      });
    });

    context("when anyone else revokes", function () {
      it("should revert with RegistryUnauthorized", async function () {
        const f = await loadFixture(licensedFixture);
        for (const who of [f.bob, f.shde, f.outsider]) {
          await expect(f.registry.connect(who).revokeLicence(f.assetA, f.bob.address, Right.Processing, "x"))
            .to.be.revertedWithCustomError(f.registry, "RegistryUnauthorized")
            .withArgs(who.address);
        }
      });
    });

    context("when there is no licence in force", function () {
      it("should revert with RegistryLicenceNotFound for a licence never granted", async function () {
        const f = await loadFixture(licensedFixture);
        await expect(f.registry.connect(f.alice).revokeLicence(f.assetA, f.dave.address, Right.Processing, "x"))
          .to.be.revertedWithCustomError(f.registry, "RegistryLicenceNotFound")
          .withArgs(licenceId(f.assetA, f.dave.address, Right.Processing));
      });

      it("should revert with RegistryLicenceNotInForce once expired or revoked", async function () {
        const f = await loadFixture(licensedFixture);
        const id = licenceId(f.assetA, f.bob.address, Right.Processing);
        await f.registry.connect(f.alice).revokeLicence(f.assetA, f.bob.address, Right.Processing, "x");
        await expect(f.registry.connect(f.alice).revokeLicence(f.assetA, f.bob.address, Right.Processing, "x"))
          .to.be.revertedWithCustomError(f.registry, "RegistryLicenceNotInForce")
          .withArgs(id);
        await time.increaseTo(f.t.end);
        await expect(f.registry.connect(f.regulator).revokeLicence(f.assetA, f.carol.address, Right.Operating, "x"))
          .to.be.revertedWithCustomError(f.registry, "RegistryLicenceNotInForce")
          .withArgs(licenceId(f.assetA, f.carol.address, Right.Operating));
      });
    });

    context("when the licence has not started", function () {
      it("should revoke it so that it never confers anything", async function () {
        const f = await loadFixture(assetsFixture);
        const t = await terms({ start: (await time.latest()) + 10 * DAY });
        await f.registry.connect(f.alice).grantLicence(f.assetA, f.bob.address, Right.Processing, t);
        await f.registry.connect(f.alice).revokeLicence(f.assetA, f.bob.address, Right.Processing, "cancelled");
        expect(await f.registry.isLicensed(f.assetA, f.bob.address, Right.Processing, t.start)).to.equal(false);
      });
    });
  });

  describe("transferByTrade", function () {
    context("when the trade recorder moves the holding", function () {
      it("should transfer and emit Transfer then HoldingTransferred", async function () {
        const f = await loadFixture(hooksFixture);
        const tx = f.hooks.connect(f.recorderStub).transferByTrade(f.assetH, f.alice.address, f.bob.address, 77n, 0n);
        await expect(tx).to.emit(f.hooks, "Transfer").withArgs(f.alice.address, f.bob.address, f.assetH);
        await expect(tx).to.emit(f.hooks, "HoldingTransferred").withArgs(f.assetH, f.alice.address, f.bob.address, 77n);
        expect(await f.hooks.ownerOf(f.assetH)).to.equal(f.bob.address);
        expect(await f.hooks.balanceOf(f.alice.address)).to.equal(1n); // still holds the core asset
        expect(await f.hooks.balanceOf(f.bob.address)).to.equal(1n);
      });
    });

    context("when anyone else calls", function () {
      it("should revert with RegistryUnauthorized", async function () {
        const f = await loadFixture(hooksFixture);
        for (const who of [f.alice, f.shde, f.pledgeStub]) {
          await expect(f.hooks.connect(who).transferByTrade(f.assetH, f.alice.address, f.bob.address, 1n, 0n))
            .to.be.revertedWithCustomError(f.hooks, "RegistryUnauthorized")
            .withArgs(who.address);
        }
      });
    });

    context("when the asset may not move", function () {
      it("should refuse unknown, frozen, core-level and pledged assets", async function () {
        const f = await loadFixture(hooksFixture);
        const rec = f.hooks.connect(f.recorderStub);
        await expect(rec.transferByTrade(5n, f.alice.address, f.bob.address, 1n, 0n)).to.be.revertedWithCustomError(f.hooks, "RegistryAssetNotFound").withArgs(5n);
        await expect(rec.transferByTrade(f.assetHCore, f.alice.address, f.bob.address, 1n, 0n))
          .to.be.revertedWithCustomError(f.hooks, "RegistryCoreData")
          .withArgs(f.assetHCore);
        await f.hooks.connect(f.pledgeStub).setPledgeLock(f.assetH, true, 1n, FAR_PLEDGE_END);
        await expect(rec.transferByTrade(f.assetH, f.alice.address, f.bob.address, 1n, 0n))
          .to.be.revertedWithCustomError(f.hooks, "RegistryAssetPledged")
          .withArgs(f.assetH);
        await f.hooks.connect(f.regulator).freeze(f.assetH, "x");
        await expect(rec.transferByTrade(f.assetH, f.alice.address, f.bob.address, 1n, 0n))
          .to.be.revertedWithCustomError(f.hooks, "RegistryAssetFrozen")
          .withArgs(f.assetH);
      });

      it("should refuse a seller who is not the holder, and a zero buyer", async function () {
        const f = await loadFixture(hooksFixture);
        const rec = f.hooks.connect(f.recorderStub);
        await expect(rec.transferByTrade(f.assetH, f.bob.address, f.carol.address, 1n, 0n))
          .to.be.revertedWithCustomError(f.hooks, "RegistryNotHolder")
          .withArgs(f.assetH, f.bob.address);
        await expect(rec.transferByTrade(f.assetH, f.alice.address, ethers.ZeroAddress, 1n, 0n)).to.be.revertedWithCustomError(f.hooks, "RegistryZeroAddress");
      });
    });
  });

  describe("grantLicenceByTrade", function () {
    context("when the trade recorder grants on the seller's behalf", function () {
      it("should grant with the trade id in the event", async function () {
        const f = await loadFixture(hooksFixture);
        const t = await terms();
        await time.setNextBlockTimestamp(t.start);
        await expect(f.hooks.connect(f.recorderStub).grantLicenceByTrade(f.assetH, f.alice.address, f.bob.address, Right.Processing, t, 42n))
          .to.emit(f.hooks, "LicenceGranted")
          .withArgs(licenceId(f.assetH, f.bob.address, Right.Processing), f.assetH, f.bob.address, f.alice.address, Right.Processing, SCOPE, t.start, t.end, false, false, true, 42n);
      });

      it("should apply the same rules as a direct grant", async function () {
        const f = await loadFixture(hooksFixture);
        const rec = f.hooks.connect(f.recorderStub);
        await expect(rec.grantLicenceByTrade(f.assetH, f.bob.address, f.carol.address, Right.Processing, await terms(), 1n))
          .to.be.revertedWithCustomError(f.hooks, "RegistryNotGrantor")
          .withArgs(f.assetH, f.bob.address, Right.Processing);
        await expect(rec.grantLicenceByTrade(f.assetHCore, f.alice.address, f.bob.address, Right.Processing, await terms(), 1n))
          .to.be.revertedWithCustomError(f.hooks, "RegistryCoreData")
          .withArgs(f.assetHCore);
      });
    });

    context("when anyone else calls", function () {
      it("should revert with RegistryUnauthorized", async function () {
        const f = await loadFixture(hooksFixture);
        await expect(f.hooks.connect(f.alice).grantLicenceByTrade(f.assetH, f.alice.address, f.bob.address, Right.Processing, await terms(), 1n))
          .to.be.revertedWithCustomError(f.hooks, "RegistryUnauthorized")
          .withArgs(f.alice.address);
      });
    });
  });

  describe("setPledgeLock", function () {
    context("when the pledge registry locks and unlocks", function () {
      it("should set the flag and emit AssetPledgeLockChanged", async function () {
        const f = await loadFixture(hooksFixture);
        const p = f.hooks.connect(f.pledgeStub);
        await expect(p.setPledgeLock(f.assetH, true, 3n, FAR_PLEDGE_END)).to.emit(f.hooks, "AssetPledgeLockChanged").withArgs(f.assetH, true, 3n);
        expect((await f.hooks.getAsset(f.assetH)).pledged).to.equal(true);
        await expect(p.setPledgeLock(f.assetH, false, 3n, 0)).to.emit(f.hooks, "AssetPledgeLockChanged").withArgs(f.assetH, false, 3n);
        expect((await f.hooks.getAsset(f.assetH)).pledged).to.equal(false);
      });

      it("should allow unlocking a frozen asset", async function () {
        const f = await loadFixture(hooksFixture);
        await f.hooks.connect(f.pledgeStub).setPledgeLock(f.assetH, true, 3n, FAR_PLEDGE_END);
        await f.hooks.connect(f.regulator).freeze(f.assetH, "x");
        await expect(f.hooks.connect(f.pledgeStub).setPledgeLock(f.assetH, false, 3n, 0)).to.emit(f.hooks, "AssetPledgeLockChanged");
        expect((await f.hooks.getAsset(f.assetH)).frozen).to.equal(true);
      });
    });

    context("in the wrong state", function () {
      it("should refuse double locks, unlocking an unlocked asset, and locking frozen, core or unknown assets", async function () {
        const f = await loadFixture(hooksFixture);
        const p = f.hooks.connect(f.pledgeStub);
        await expect(p.setPledgeLock(f.assetH, false, 1n, 0)).to.be.revertedWithCustomError(f.hooks, "RegistryAssetNotPledged").withArgs(f.assetH);
        await expect(p.setPledgeLock(8n, true, 1n, FAR_PLEDGE_END)).to.be.revertedWithCustomError(f.hooks, "RegistryAssetNotFound").withArgs(8n);
        await expect(p.setPledgeLock(8n, false, 1n, 0)).to.be.revertedWithCustomError(f.hooks, "RegistryAssetNotFound").withArgs(8n);
        await expect(p.setPledgeLock(f.assetHCore, true, 1n, FAR_PLEDGE_END)).to.be.revertedWithCustomError(f.hooks, "RegistryCoreData").withArgs(f.assetHCore);
        await p.setPledgeLock(f.assetH, true, 1n, FAR_PLEDGE_END);
        await expect(p.setPledgeLock(f.assetH, true, 2n, FAR_PLEDGE_END)).to.be.revertedWithCustomError(f.hooks, "RegistryAssetPledged").withArgs(f.assetH);
        await p.setPledgeLock(f.assetH, false, 1n, 0);
        await f.hooks.connect(f.regulator).freeze(f.assetH, "x");
        await expect(p.setPledgeLock(f.assetH, true, 2n, FAR_PLEDGE_END)).to.be.revertedWithCustomError(f.hooks, "RegistryAssetFrozen").withArgs(f.assetH);
      });
    });

    context("when anyone else calls", function () {
      it("should revert with RegistryUnauthorized", async function () {
        const f = await loadFixture(hooksFixture);
        for (const who of [f.alice, f.recorderStub, f.regulator]) {
          await expect(f.hooks.connect(who).setPledgeLock(f.assetH, true, 1n, FAR_PLEDGE_END)).to.be.revertedWithCustomError(f.hooks, "RegistryUnauthorized").withArgs(who.address);
        }
      });
    });

    context("through the real PledgeRegistry", function () {
      it("should lock on registerPledge and unlock on releasePledge", async function () {
        const f = await loadFixture(pledgedFixture);
        expect((await f.registry.getAsset(f.assetA)).pledged).to.equal(true);
        await expect(f.pledges.connect(f.lender).releasePledge(f.pledgeId))
          .to.emit(f.registry, "AssetPledgeLockChanged")
          .withArgs(f.assetA, false, f.pledgeId);
        expect((await f.registry.getAsset(f.assetA)).pledged).to.equal(false);
      });
    });
  });

  describe("ERC-721 transfers and approvals", function () {
    context("outside a recorded trade", function () {
      it("should revert with RegistryTransferOutsideTrade", async function () {
        const f = await loadFixture(assetsFixture);
        const a = f.registry.connect(f.alice);
        await expect(a.transferFrom(f.alice.address, f.bob.address, f.assetA)).to.be.revertedWithCustomError(f.registry, "RegistryTransferOutsideTrade");
        await expect(a["safeTransferFrom(address,address,uint256)"](f.alice.address, f.bob.address, f.assetA)).to.be.revertedWithCustomError(
          f.registry,
          "RegistryTransferOutsideTrade",
        );
        await expect(a["safeTransferFrom(address,address,uint256,bytes)"](f.alice.address, f.bob.address, f.assetA, "0x")).to.be.revertedWithCustomError(
          f.registry,
          "RegistryTransferOutsideTrade",
        );
        await expect(a.approve(f.bob.address, f.assetA)).to.be.revertedWithCustomError(f.registry, "RegistryTransferOutsideTrade");
        await expect(a.approve(ethers.ZeroAddress, f.assetA)).to.be.revertedWithCustomError(f.registry, "RegistryTransferOutsideTrade");
        await expect(a.setApprovalForAll(f.bob.address, true)).to.be.revertedWithCustomError(f.registry, "RegistryTransferOutsideTrade");
        expect(await f.registry.ownerOf(f.assetA)).to.equal(f.alice.address);
        expect(await f.registry.getApproved(f.assetA)).to.equal(ethers.ZeroAddress);
        expect(await f.registry.isApprovedForAll(f.alice.address, f.bob.address)).to.equal(false);
        expect(await f.registry.tokenURI(f.assetA)).to.equal("");
      });
    });
  });
});

/** assetsFixture plus an active pledge on asset A by the lender, through the real PledgeRegistry. */
async function pledgedFixture() {
  const f = await assetsFixture();
  const now = await time.latest();
  const pledgeTerms = {
    assetId: f.assetA,
    holder: f.alice.address,
    lender: f.lender.address,
    amount: 1_000_000n,
    currency: currency("CNY"),
    start: now,
    end: now + 365 * DAY,
    agreementDigest: digest("pledge agreement"),
    stateNonce: (await f.registry.getAsset(f.assetA)).stateNonce,
    nonce: await f.pledges.nonces(f.alice.address),
    deadline: now + DAY,
  };
  const sig = await signPledge(f.alice, f.pledges, pledgeTerms);
  await f.pledges.connect(f.lender).registerPledge(pledgeTerms, sig);
  const pledgeId = await f.pledges.activePledgeOf(f.assetA);
  return { ...f, pledgeId };
}
