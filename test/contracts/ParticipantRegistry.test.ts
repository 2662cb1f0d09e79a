import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  ADMIN_DELAY,
  GZDE,
  MerchantCategory,
  ParticipantStatus,
  RecognitionPath,
  SHDE,
  digest,
  exchangeCode,
  participantsFixture,
} from "../helpers/fixture";
import { signedOnboard } from "../helpers/consent";

describe("ParticipantRegistry", function () {
  async function deployBare() {
    const [deployer, regulator, other] = await ethers.getSigners();
    const factory = await ethers.getContractFactory("ParticipantRegistry");
    const participants = await factory.deploy(ADMIN_DELAY, regulator.address);
    return { participants, deployer, regulator, other };
  }

  describe("constructor", function () {
    it("should give the regulator DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE", async function () {
      const { participants, regulator, deployer } = await loadFixture(deployBare);
      expect(await participants.hasRole(await participants.DEFAULT_ADMIN_ROLE(), regulator.address)).to.equal(true);
      expect(await participants.hasRole(await participants.GOVERNOR_ROLE(), regulator.address)).to.equal(true);
      expect(await participants.isRegulator(regulator.address)).to.equal(true);
      expect(await participants.isRegulator(deployer.address)).to.equal(false);
      expect(await participants.defaultAdmin()).to.equal(regulator.address);
      expect(await participants.defaultAdminDelay()).to.equal(ADMIN_DELAY);
    });

    it("should name GOVERNOR_ROLE keccak256('GOVERNOR_ROLE') and report version 1.0.0", async function () {
      const { participants } = await loadFixture(deployBare);
      expect(await participants.GOVERNOR_ROLE()).to.equal(ethers.id("GOVERNOR_ROLE"));
      expect(await participants.version()).to.equal("1.0.0");
    });

    context("when the regulator is the zero address", function () {
      it("should revert with AccessControlInvalidDefaultAdmin", async function () {
        const factory = await ethers.getContractFactory("ParticipantRegistry");
        await expect(factory.deploy(ADMIN_DELAY, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(factory, "AccessControlInvalidDefaultAdmin")
          .withArgs(ethers.ZeroAddress);
      });
    });
  });

  describe("governance", function () {
    it("should move the admin role only in two delayed steps, and let the new admin appoint a regulator", async function () {
      const { participants, regulator, other } = await loadFixture(deployBare);
      await participants.connect(regulator).beginDefaultAdminTransfer(other.address);
      await expect(participants.connect(other).acceptDefaultAdminTransfer()).to.be.revertedWithCustomError(
        participants,
        "AccessControlEnforcedDefaultAdminDelay",
      );
      await time.increase(ADMIN_DELAY + 1n);
      await participants.connect(other).acceptDefaultAdminTransfer();
      expect(await participants.defaultAdmin()).to.equal(other.address);
      const governor = await participants.GOVERNOR_ROLE();
      await participants.connect(other).grantRole(governor, other.address);
      expect(await participants.isRegulator(other.address)).to.equal(true);
    });

    context("when a non-admin grants GOVERNOR_ROLE", function () {
      it("should revert with AccessControlUnauthorizedAccount", async function () {
        const { participants, other } = await loadFixture(deployBare);
        const governor = await participants.GOVERNOR_ROLE();
        await expect(participants.connect(other).grantRole(governor, other.address))
          .to.be.revertedWithCustomError(participants, "AccessControlUnauthorizedAccount")
          .withArgs(other.address, ethers.ZeroHash);
      });
    });
  });

  describe("accreditExchange", function () {
    it("should store the exchange, reserve its code and emit ExchangeAccredited", async function () {
      const { participants, regulator, bjde } = await loadFixture(participantsFixture);
      const code = exchangeCode("BJ1");
      await expect(participants.connect(regulator).accreditExchange(bjde.address, code, "Beijing IDX"))
        .to.emit(participants, "ExchangeAccredited")
        .withArgs(bjde.address, code, "Beijing IDX", regulator.address);
      const e = await participants.getExchange(bjde.address);
      expect(e.code).to.equal(code);
      expect(e.status).to.equal(ParticipantStatus.Active);
      expect(e.accreditedAt).to.equal(await time.latest());
      expect(await participants.isActiveExchange(bjde.address)).to.equal(true);
      expect(await participants.exchangeOfCode(code)).to.equal(bjde.address);
    });

    context("when the account is a merchant", function () {
      it("should revert with ParticipantsRoleConflict", async function () {
        const { participants, regulator, alice } = await loadFixture(participantsFixture);
        await expect(participants.connect(regulator).accreditExchange(alice.address, exchangeCode("AL"), "Alice"))
          .to.be.revertedWithCustomError(participants, "ParticipantsRoleConflict")
          .withArgs(alice.address);
      });
    });

    context("when the caller is not the regulator", function () {
      it("should revert with ParticipantsUnauthorized", async function () {
        const { participants, shde, bjde } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).accreditExchange(bjde.address, exchangeCode("BJ"), "x"))
          .to.be.revertedWithCustomError(participants, "ParticipantsUnauthorized")
          .withArgs(shde.address);
      });
    });

    context("when the exchange is the zero address", function () {
      it("should revert with ParticipantsZeroAddress", async function () {
        const { participants, regulator } = await loadFixture(participantsFixture);
        await expect(
          participants.connect(regulator).accreditExchange(ethers.ZeroAddress, exchangeCode("BJ"), "x"),
        ).to.be.revertedWithCustomError(participants, "ParticipantsZeroAddress");
      });
    });

    context("when the code is malformed", function () {
      const bad: [string, string][] = [
        ["empty", "0x00000000"],
        ["one character", "0x41000000"],
        ["lower case", exchangeCode("sh")],
        ["punctuation", exchangeCode("S-H")],
        ["not left-aligned", "0x00534844"],
        ["a gap after a zero byte", "0x53480044"],
        ["a space", exchangeCode("S H")],
      ];
      for (const [what, code] of bad) {
        it(`should revert with ParticipantsInvalidExchangeCode for ${what}`, async function () {
          const { participants, regulator, bjde } = await loadFixture(participantsFixture);
          await expect(participants.connect(regulator).accreditExchange(bjde.address, code, "x"))
            .to.be.revertedWithCustomError(participants, "ParticipantsInvalidExchangeCode")
            .withArgs(code);
        });
      }

      for (const good of ["BJ", "B9Z", "0000", "Z9"]) {
        it(`should accept ${good}`, async function () {
          const { participants, regulator, bjde } = await loadFixture(participantsFixture);
          await expect(participants.connect(regulator).accreditExchange(bjde.address, exchangeCode(good), "x")).to
            .not.be.reverted;
        });
      }
    });

    context("when the exchange is already accredited", function () {
      it("should revert with ParticipantsExchangeAlreadyAccredited", async function () {
        const { participants, regulator, shde } = await loadFixture(participantsFixture);
        await expect(participants.connect(regulator).accreditExchange(shde.address, exchangeCode("SH2"), "x"))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeAlreadyAccredited")
          .withArgs(shde.address);
      });
    });

    context("when the code is taken, even by a suspended exchange", function () {
      it("should revert with ParticipantsExchangeCodeTaken", async function () {
        const { participants, regulator, shde, bjde } = await loadFixture(participantsFixture);
        await participants.connect(regulator).suspendExchange(shde.address, "audit");
        await expect(participants.connect(regulator).accreditExchange(bjde.address, SHDE, "x"))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeCodeTaken")
          .withArgs(SHDE, shde.address);
      });
    });
  });

  describe("suspendExchange", function () {
    it("should suspend, emit ExchangeSuspended and make every recognition through it confer nothing", async function () {
      const { participants, regulator, gzde, shde, carol, alice } = await loadFixture(participantsFixture);
      expect(await participants.recognitionPath(carol.address, shde.address)).to.equal(RecognitionPath.WholeExchange);
      await expect(participants.connect(regulator).suspendExchange(gzde.address, "licence review"))
        .to.emit(participants, "ExchangeSuspended")
        .withArgs(gzde.address, regulator.address, "licence review");
      expect((await participants.getExchange(gzde.address)).status).to.equal(ParticipantStatus.Suspended);
      expect(await participants.isActiveExchange(gzde.address)).to.equal(false);
      // GZDE's own merchants are no longer active anywhere, and nothing is recognised at GZDE.
      expect(await participants.isActiveMerchant(carol.address)).to.equal(false);
      expect(await participants.recognitionPath(carol.address, shde.address)).to.equal(RecognitionPath.None);
      expect(await participants.recognitionPath(carol.address, gzde.address)).to.equal(RecognitionPath.None);
      expect(await participants.recognitionPath(alice.address, gzde.address)).to.equal(RecognitionPath.None);
    });

    it("should make the suspended exchange's own actions fail", async function () {
      const { participants, regulator, gzde, outsider, alice, bob } = await loadFixture(participantsFixture);
      await participants.connect(regulator).suspendExchange(gzde.address, "r");
      await expect(signedOnboard(participants, gzde, outsider.address, 0, digest("c")))
        .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
        .withArgs(gzde.address);
      await expect(participants.connect(gzde).recogniseMerchant(bob.address))
        .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
        .withArgs(gzde.address);
      await expect(participants.connect(gzde).suspendMerchant(alice.address, "r"))
        .to.be.revertedWithCustomError(participants, "ParticipantsNotHomeExchange")
        .withArgs(alice.address, gzde.address);
    });

    context("when the caller is not the regulator", function () {
      it("should revert with ParticipantsUnauthorized", async function () {
        const { participants, shde, gzde } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).suspendExchange(gzde.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsUnauthorized")
          .withArgs(shde.address);
      });
    });

    context("when the exchange is unknown or already suspended", function () {
      it("should revert with ParticipantsExchangeNotActive", async function () {
        const { participants, regulator, gzde, bjde } = await loadFixture(participantsFixture);
        await expect(participants.connect(regulator).suspendExchange(bjde.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(bjde.address);
        await participants.connect(regulator).suspendExchange(gzde.address, "r");
        await expect(participants.connect(regulator).suspendExchange(gzde.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(gzde.address);
      });
    });
  });

  describe("reinstateExchange", function () {
    it("should reinstate, emit ExchangeReinstated and restore recognition", async function () {
      const { participants, regulator, gzde, shde, carol } = await loadFixture(participantsFixture);
      await participants.connect(regulator).suspendExchange(gzde.address, "r");
      await expect(participants.connect(regulator).reinstateExchange(gzde.address, "cleared"))
        .to.emit(participants, "ExchangeReinstated")
        .withArgs(gzde.address, regulator.address, "cleared");
      expect(await participants.isActiveExchange(gzde.address)).to.equal(true);
      expect(await participants.recognitionPath(carol.address, shde.address)).to.equal(RecognitionPath.WholeExchange);
    });

    context("when the caller is not the regulator", function () {
      it("should revert with ParticipantsUnauthorized", async function () {
        const { participants, regulator, gzde, shde } = await loadFixture(participantsFixture);
        await participants.connect(regulator).suspendExchange(gzde.address, "r");
        await expect(participants.connect(shde).reinstateExchange(gzde.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsUnauthorized")
          .withArgs(shde.address);
      });
    });

    context("when the exchange is not suspended", function () {
      it("should revert with ParticipantsExchangeNotSuspended", async function () {
        const { participants, regulator, gzde } = await loadFixture(participantsFixture);
        await expect(participants.connect(regulator).reinstateExchange(gzde.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotSuspended")
          .withArgs(gzde.address);
      });
    });
  });

  describe("onboardMerchant", function () {
    it("should store the merchant with the caller as home exchange and emit MerchantOnboarded", async function () {
      const { participants, shde, outsider } = await loadFixture(participantsFixture);
      const cred = digest("credential:outsider");
      await expect(signedOnboard(participants, shde, outsider.address, MerchantCategory.Technology, cred))
        .to.emit(participants, "MerchantOnboarded")
        .withArgs(outsider.address, shde.address, MerchantCategory.Technology, cred);
      const m = await participants.getMerchant(outsider.address);
      expect(m.homeExchange).to.equal(shde.address);
      expect(m.category).to.equal(MerchantCategory.Technology);
      expect(m.status).to.equal(ParticipantStatus.Active);
      expect(m.heldByRegulator).to.equal(false);
      expect(m.onboardedAt).to.equal(await time.latest());
      expect(await participants.isActiveMerchant(outsider.address)).to.equal(true);
      expect(await participants.recognitionPath(outsider.address, shde.address)).to.equal(RecognitionPath.Home);
    });

    context("when the account is an accredited exchange (another one, or the caller itself)", function () {
      it("should revert with ParticipantsRoleConflict", async function () {
        const { participants, shde, gzde } = await loadFixture(participantsFixture);
        for (const account of [gzde, shde]) {
          await expect(signedOnboard(participants, shde, account.address, MerchantCategory.Technology, digest("x")))
            .to.be.revertedWithCustomError(participants, "ParticipantsRoleConflict")
            .withArgs(account.address);
        }
      });
    });

    context("when the caller is not an accredited exchange", function () {
      it("should revert with ParticipantsExchangeNotActive", async function () {
        const { participants, bjde, outsider } = await loadFixture(participantsFixture);
        await expect(signedOnboard(participants, bjde, outsider.address, 0, digest("c")))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(bjde.address);
      });
    });

    context("when the merchant is the zero address", function () {
      it("should revert with ParticipantsZeroAddress", async function () {
        const { participants, shde } = await loadFixture(participantsFixture);
        await expect(
          signedOnboard(participants, shde, ethers.ZeroAddress, 0, digest("c")),
        ).to.be.revertedWithCustomError(participants, "ParticipantsZeroAddress");
      });
    });

    context("when the merchant already has a home exchange", function () {
      it("should revert with ParticipantsMerchantAlreadyOnboarded at its own home", async function () {
        const { participants, alice, shde } = await loadFixture(participantsFixture);
        await expect(signedOnboard(participants, shde, alice.address, 0, digest("c")))
          .to.be.revertedWithCustomError(participants, "ParticipantsMerchantAlreadyOnboarded")
          .withArgs(alice.address, shde.address);
      });

      it("should move its home to another exchange with the merchant's consent (MerchantMoved)", async function () {
        const { participants, gzde, alice, shde } = await loadFixture(participantsFixture);
        await expect(signedOnboard(participants, gzde, alice.address, 1, digest("c")))
          .to.emit(participants, "MerchantMoved")
          .withArgs(alice.address, shde.address, gzde.address, 1, digest("c"));
        expect((await participants.getMerchant(alice.address)).homeExchange).to.equal(gzde.address);
      });
    });
  });

  describe("suspendMerchant", function () {
    context("when the home exchange suspends", function () {
      it("should suspend everywhere and emit MerchantSuspended(byRegulator = false)", async function () {
        const { participants, shde, gzde, alice } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).suspendMerchant(alice.address, "KYC lapsed"))
          .to.emit(participants, "MerchantSuspended")
          .withArgs(alice.address, shde.address, false, "KYC lapsed");
        const m = await participants.getMerchant(alice.address);
        expect(m.status).to.equal(ParticipantStatus.Suspended);
        expect(m.heldByRegulator).to.equal(false);
        expect(await participants.isActiveMerchant(alice.address)).to.equal(false);
        expect(await participants.recognitionPath(alice.address, shde.address)).to.equal(RecognitionPath.None);
        expect(await participants.recognitionPath(alice.address, gzde.address)).to.equal(RecognitionPath.None);
      });

      it("should revert with ParticipantsMerchantAlreadySuspended the second time", async function () {
        const { participants, shde, alice } = await loadFixture(participantsFixture);
        await participants.connect(shde).suspendMerchant(alice.address, "r");
        await expect(participants.connect(shde).suspendMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsMerchantAlreadySuspended")
          .withArgs(alice.address);
      });
    });

    context("when the regulator suspends", function () {
      it("should hold the suspension and emit MerchantSuspended(byRegulator = true)", async function () {
        const { participants, regulator, alice } = await loadFixture(participantsFixture);
        await expect(participants.connect(regulator).suspendMerchant(alice.address, "investigation"))
          .to.emit(participants, "MerchantSuspended")
          .withArgs(alice.address, regulator.address, true, "investigation");
        const m = await participants.getMerchant(alice.address);
        expect(m.status).to.equal(ParticipantStatus.Suspended);
        expect(m.heldByRegulator).to.equal(true);
      });

      it("should escalate a suspension made by the home exchange", async function () {
        const { participants, regulator, shde, alice } = await loadFixture(participantsFixture);
        await participants.connect(shde).suspendMerchant(alice.address, "r");
        await expect(participants.connect(regulator).suspendMerchant(alice.address, "escalated"))
          .to.emit(participants, "MerchantSuspended")
          .withArgs(alice.address, regulator.address, true, "escalated");
        expect((await participants.getMerchant(alice.address)).heldByRegulator).to.equal(true);
      });

      it("should revert with ParticipantsMerchantAlreadySuspended when it already holds the suspension", async function () {
        const { participants, regulator, alice } = await loadFixture(participantsFixture);
        await participants.connect(regulator).suspendMerchant(alice.address, "r");
        await expect(participants.connect(regulator).suspendMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsMerchantAlreadySuspended")
          .withArgs(alice.address);
      });
    });

    context("when another exchange tries", function () {
      it("should revert with ParticipantsNotHomeExchange", async function () {
        const { participants, gzde, alice } = await loadFixture(participantsFixture);
        await expect(participants.connect(gzde).suspendMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotHomeExchange")
          .withArgs(alice.address, gzde.address);
      });
    });

    context("when the home exchange is suspended", function () {
      it("should revert with ParticipantsExchangeNotActive", async function () {
        const { participants, regulator, shde, alice } = await loadFixture(participantsFixture);
        await participants.connect(regulator).suspendExchange(shde.address, "r");
        await expect(participants.connect(shde).suspendMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(shde.address);
      });
    });

    context("when the merchant was never onboarded", function () {
      it("should revert with ParticipantsMerchantNotFound", async function () {
        const { participants, shde, outsider } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).suspendMerchant(outsider.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsMerchantNotFound")
          .withArgs(outsider.address);
      });
    });
  });

  describe("reinstateMerchant", function () {
    context("when the home exchange suspended it", function () {
      it("should let the home exchange reinstate it and emit MerchantReinstated", async function () {
        const { participants, shde, gzde, alice } = await loadFixture(participantsFixture);
        await participants.connect(shde).suspendMerchant(alice.address, "r");
        await expect(participants.connect(shde).reinstateMerchant(alice.address, "fixed"))
          .to.emit(participants, "MerchantReinstated")
          .withArgs(alice.address, shde.address, "fixed");
        expect(await participants.isActiveMerchant(alice.address)).to.equal(true);
        expect(await participants.recognitionPath(alice.address, gzde.address)).to.equal(
          RecognitionPath.SingleMerchant,
        );
      });

      it("should not let another exchange reinstate it", async function () {
        const { participants, shde, gzde, alice } = await loadFixture(participantsFixture);
        await participants.connect(shde).suspendMerchant(alice.address, "r");
        await expect(participants.connect(gzde).reinstateMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotHomeExchange")
          .withArgs(alice.address, gzde.address);
      });

      it("should not let the regulator reinstate a suspension it does not hold", async function () {
        const { participants, shde, regulator, alice } = await loadFixture(participantsFixture);
        await participants.connect(shde).suspendMerchant(alice.address, "r");
        await expect(participants.connect(regulator).reinstateMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotHomeExchange")
          .withArgs(alice.address, regulator.address);
      });

      it("should not let a suspended home exchange reinstate it", async function () {
        const { participants, shde, regulator, alice } = await loadFixture(participantsFixture);
        await participants.connect(shde).suspendMerchant(alice.address, "r");
        await participants.connect(regulator).suspendExchange(shde.address, "r");
        await expect(participants.connect(shde).reinstateMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(shde.address);
      });
    });

    context("when the regulator holds the suspension", function () {
      it("should refuse the home exchange with ParticipantsMerchantHeldByRegulator", async function () {
        const { participants, shde, regulator, alice } = await loadFixture(participantsFixture);
        await participants.connect(regulator).suspendMerchant(alice.address, "r");
        await expect(participants.connect(shde).reinstateMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsMerchantHeldByRegulator")
          .withArgs(alice.address);
      });

      it("should let the regulator reinstate and release the hold", async function () {
        const { participants, regulator, alice } = await loadFixture(participantsFixture);
        await participants.connect(regulator).suspendMerchant(alice.address, "r");
        await expect(participants.connect(regulator).reinstateMerchant(alice.address, "cleared"))
          .to.emit(participants, "MerchantReinstated")
          .withArgs(alice.address, regulator.address, "cleared");
        const m = await participants.getMerchant(alice.address);
        expect(m.status).to.equal(ParticipantStatus.Active);
        expect(m.heldByRegulator).to.equal(false);
      });
    });

    context("when the merchant is active", function () {
      it("should revert with ParticipantsMerchantNotSuspended", async function () {
        const { participants, shde, alice } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).reinstateMerchant(alice.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsMerchantNotSuspended")
          .withArgs(alice.address);
      });
    });

    context("when the merchant was never onboarded", function () {
      it("should revert with ParticipantsMerchantNotFound", async function () {
        const { participants, shde, outsider } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).reinstateMerchant(outsider.address, "r"))
          .to.be.revertedWithCustomError(participants, "ParticipantsMerchantNotFound")
          .withArgs(outsider.address);
      });
    });
  });

  describe("recogniseExchange", function () {
    it("should recognise every merchant of the other exchange and emit ExchangeRecognised", async function () {
      const { participants, gzde, shde, bob } = await loadFixture(participantsFixture);
      expect(await participants.recognitionPath(bob.address, gzde.address)).to.equal(RecognitionPath.None);
      await expect(participants.connect(gzde).recogniseExchange(shde.address))
        .to.emit(participants, "ExchangeRecognised")
        .withArgs(gzde.address, shde.address);
      expect(await participants.recognisesExchange(gzde.address, shde.address)).to.equal(true);
      expect(await participants.recognitionPath(bob.address, gzde.address)).to.equal(RecognitionPath.WholeExchange);
    });

    it("should be directional: recognising GZDE does not make GZDE recognise SHDE", async function () {
      const { participants, gzde, shde } = await loadFixture(participantsFixture);
      expect(await participants.recognisesExchange(shde.address, gzde.address)).to.equal(true);
      expect(await participants.recognisesExchange(gzde.address, shde.address)).to.equal(false);
    });

    context("when the caller is not an active exchange", function () {
      it("should revert with ParticipantsExchangeNotActive", async function () {
        const { participants, outsider, shde } = await loadFixture(participantsFixture);
        await expect(participants.connect(outsider).recogniseExchange(shde.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(outsider.address);
      });
    });

    context("when recognising itself", function () {
      it("should revert with ParticipantsSelfRecognition", async function () {
        const { participants, shde } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).recogniseExchange(shde.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsSelfRecognition")
          .withArgs(shde.address);
      });
    });

    context("when the other exchange is not active", function () {
      it("should revert with ParticipantsExchangeNotActive", async function () {
        const { participants, gzde, bjde } = await loadFixture(participantsFixture);
        await expect(participants.connect(gzde).recogniseExchange(bjde.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(bjde.address);
      });
    });

    context("when already recognised", function () {
      it("should revert with ParticipantsAlreadyRecognised", async function () {
        const { participants, gzde, shde } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).recogniseExchange(gzde.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsAlreadyRecognised")
          .withArgs(shde.address, gzde.address);
      });
    });
  });

  describe("withdrawExchangeRecognition", function () {
    it("should withdraw, emit ExchangeRecognitionWithdrawn and stop recognising its merchants", async function () {
      const { participants, gzde, shde, carol } = await loadFixture(participantsFixture);
      await expect(participants.connect(shde).withdrawExchangeRecognition(gzde.address))
        .to.emit(participants, "ExchangeRecognitionWithdrawn")
        .withArgs(shde.address, gzde.address);
      expect(await participants.recognisesExchange(shde.address, gzde.address)).to.equal(false);
      expect(await participants.recognitionPath(carol.address, shde.address)).to.equal(RecognitionPath.None);
    });

    it("should be allowed to a suspended exchange", async function () {
      const { participants, regulator, gzde, shde } = await loadFixture(participantsFixture);
      await participants.connect(regulator).suspendExchange(shde.address, "r");
      await expect(participants.connect(shde).withdrawExchangeRecognition(gzde.address)).to.emit(
        participants,
        "ExchangeRecognitionWithdrawn",
      );
    });

    context("when there is no such recognition", function () {
      it("should revert with ParticipantsRecognitionNotFound", async function () {
        const { participants, gzde, shde } = await loadFixture(participantsFixture);
        await expect(participants.connect(gzde).withdrawExchangeRecognition(shde.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsRecognitionNotFound")
          .withArgs(gzde.address, shde.address);
      });
    });
  });

  describe("recogniseMerchant", function () {
    it("should recognise the single merchant and emit MerchantRecognised", async function () {
      const { participants, gzde, bob } = await loadFixture(participantsFixture);
      await expect(participants.connect(gzde).recogniseMerchant(bob.address))
        .to.emit(participants, "MerchantRecognised")
        .withArgs(gzde.address, bob.address);
      expect(await participants.recognisesMerchant(gzde.address, bob.address)).to.equal(true);
      expect(await participants.recognitionPath(bob.address, gzde.address)).to.equal(RecognitionPath.SingleMerchant);
    });

    context("when the caller is not an active exchange", function () {
      it("should revert with ParticipantsExchangeNotActive", async function () {
        const { participants, outsider, bob } = await loadFixture(participantsFixture);
        await expect(participants.connect(outsider).recogniseMerchant(bob.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(outsider.address);
      });
    });

    context("when the merchant was never onboarded", function () {
      it("should revert with ParticipantsMerchantNotFound", async function () {
        const { participants, gzde, outsider } = await loadFixture(participantsFixture);
        await expect(participants.connect(gzde).recogniseMerchant(outsider.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsMerchantNotFound")
          .withArgs(outsider.address);
      });
    });

    context("when the merchant is the caller's own", function () {
      it("should revert with ParticipantsSelfRecognition", async function () {
        const { participants, shde, alice } = await loadFixture(participantsFixture);
        await expect(participants.connect(shde).recogniseMerchant(alice.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsSelfRecognition")
          .withArgs(shde.address);
      });
    });

    context("when already recognised", function () {
      it("should revert with ParticipantsAlreadyRecognised", async function () {
        const { participants, gzde, alice } = await loadFixture(participantsFixture);
        await expect(participants.connect(gzde).recogniseMerchant(alice.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsAlreadyRecognised")
          .withArgs(gzde.address, alice.address);
      });
    });
  });

  describe("withdrawMerchantRecognition", function () {
    it("should withdraw, emit MerchantRecognitionWithdrawn and stop recognising the merchant", async function () {
      const { participants, gzde, alice } = await loadFixture(participantsFixture);
      await expect(participants.connect(gzde).withdrawMerchantRecognition(alice.address))
        .to.emit(participants, "MerchantRecognitionWithdrawn")
        .withArgs(gzde.address, alice.address);
      expect(await participants.recognisesMerchant(gzde.address, alice.address)).to.equal(false);
      expect(await participants.recognitionPath(alice.address, gzde.address)).to.equal(RecognitionPath.None);
    });

    context("when there is no such recognition", function () {
      it("should revert with ParticipantsRecognitionNotFound", async function () {
        const { participants, gzde, bob } = await loadFixture(participantsFixture);
        await expect(participants.connect(gzde).withdrawMerchantRecognition(bob.address))
          .to.be.revertedWithCustomError(participants, "ParticipantsRecognitionNotFound")
          .withArgs(gzde.address, bob.address);
      });
    });
  });

  describe("recognitionPath", function () {
    it("should report Home, WholeExchange, SingleMerchant and None", async function () {
      const { participants, shde, gzde, alice, bob, carol } = await loadFixture(participantsFixture);
      expect(await participants.recognitionPath(alice.address, shde.address)).to.equal(RecognitionPath.Home);
      expect(await participants.recognitionPath(carol.address, shde.address)).to.equal(RecognitionPath.WholeExchange);
      expect(await participants.recognitionPath(alice.address, gzde.address)).to.equal(RecognitionPath.SingleMerchant);
      expect(await participants.recognitionPath(bob.address, gzde.address)).to.equal(RecognitionPath.None);
      expect(await participants.isRecognised(alice.address, gzde.address)).to.equal(true);
      expect(await participants.isRecognised(bob.address, gzde.address)).to.equal(false);
    });

    it("should prefer WholeExchange when both a whole-exchange and a single recognition exist", async function () {
      const { participants, gzde, shde, alice } = await loadFixture(participantsFixture);
      await participants.connect(gzde).recogniseExchange(shde.address);
      expect(await participants.recognitionPath(alice.address, gzde.address)).to.equal(RecognitionPath.WholeExchange);
    });

    context("when the asking exchange is unknown or suspended", function () {
      it("should report None", async function () {
        const { participants, regulator, shde, bjde, alice } = await loadFixture(participantsFixture);
        expect(await participants.recognitionPath(alice.address, bjde.address)).to.equal(RecognitionPath.None);
        await participants.connect(regulator).suspendExchange(shde.address, "r");
        expect(await participants.recognitionPath(alice.address, shde.address)).to.equal(RecognitionPath.None);
      });
    });

    context("when the merchant is unknown", function () {
      it("should report None", async function () {
        const { participants, shde, outsider } = await loadFixture(participantsFixture);
        expect(await participants.recognitionPath(outsider.address, shde.address)).to.equal(RecognitionPath.None);
      });
    });

    context("when only the merchant's home exchange is suspended", function () {
      it("should report None at the recognising exchange, for both paths", async function () {
        const { participants, regulator, shde, gzde, alice, carol } = await loadFixture(participantsFixture);
        await participants.connect(regulator).suspendExchange(shde.address, "r");
        expect(await participants.recognitionPath(alice.address, gzde.address)).to.equal(RecognitionPath.None);
        await participants.connect(regulator).reinstateExchange(shde.address, "r");
        await participants.connect(regulator).suspendExchange(gzde.address, "r");
        expect(await participants.recognitionPath(carol.address, shde.address)).to.equal(RecognitionPath.None);
      });
    });
  });

  describe("requireRecognised", function () {
    it("should return the exchange code when every party is recognised", async function () {
      const { participants, shde, gzde, alice, carol, dave } = await loadFixture(participantsFixture);
      expect(await participants.requireRecognised(shde.address, [alice.address, carol.address, dave.address])).to.equal(
        SHDE,
      );
      expect(await participants.requireRecognised(gzde.address, [alice.address, carol.address])).to.equal(GZDE);
      expect(await participants.requireRecognised(gzde.address, [])).to.equal(GZDE);
    });

    context("when the exchange is not active", function () {
      it("should revert with ParticipantsExchangeNotActive", async function () {
        const { participants, regulator, shde, bjde, alice } = await loadFixture(participantsFixture);
        await expect(participants.requireRecognised(bjde.address, [alice.address]))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(bjde.address);
        await participants.connect(regulator).suspendExchange(shde.address, "r");
        await expect(participants.requireRecognised(shde.address, []))
          .to.be.revertedWithCustomError(participants, "ParticipantsExchangeNotActive")
          .withArgs(shde.address);
      });
    });

    context("when a party is not recognised", function () {
      it("should revert with ParticipantsNotRecognised naming that party", async function () {
        const { participants, gzde, alice, bob } = await loadFixture(participantsFixture);
        await expect(participants.requireRecognised(gzde.address, [alice.address, bob.address]))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotRecognised")
          .withArgs(bob.address, gzde.address);
      });
    });

    context("when a party is suspended", function () {
      it("should revert with ParticipantsNotRecognised", async function () {
        const { participants, shde, alice } = await loadFixture(participantsFixture);
        await participants.connect(shde).suspendMerchant(alice.address, "r");
        await expect(participants.requireRecognised(shde.address, [alice.address]))
          .to.be.revertedWithCustomError(participants, "ParticipantsNotRecognised")
          .withArgs(alice.address, shde.address);
      });
    });
  });

  describe("views", function () {
    it("should return zeroed records for unknown accounts", async function () {
      const { participants, outsider } = await loadFixture(participantsFixture);
      const e = await participants.getExchange(outsider.address);
      expect(e.status).to.equal(ParticipantStatus.None);
      expect(e.code).to.equal("0x00000000");
      const m = await participants.getMerchant(outsider.address);
      expect(m.status).to.equal(ParticipantStatus.None);
      expect(m.homeExchange).to.equal(ethers.ZeroAddress);
      expect(await participants.isActiveMerchant(outsider.address)).to.equal(false);
      expect(await participants.exchangeOfCode(exchangeCode("XX"))).to.equal(ethers.ZeroAddress);
    });

    it("should support the IAccessControl interfaces (ERC-165)", async function () {
      const { participants } = await loadFixture(participantsFixture);
      expect(await participants.supportsInterface("0x01ffc9a7")).to.equal(true); // ERC-165
      expect(await participants.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await participants.supportsInterface("0xffffffff")).to.equal(false);
    });
  });
});
