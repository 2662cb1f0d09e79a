import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeDeploymentFile } from "../../service/src/contracts";
import { DEFAULT_ADMIN_DELAY, deployShuquan, deploymentDocument } from "../../service/src/contracts/deploy";

describe("contracts/deploy (deployShuquan)", function () {
  async function defaultDeployment() {
    const [deployer, other] = await ethers.getSigners();
    const startBefore = await ethers.provider.getBlockNumber();
    const d = await deployShuquan(deployer);
    return { d, deployer, other, startBefore };
  }

  describe("deployShuquan", function () {
    it("should deploy eight contracts, wire the registry and report the start block", async function () {
      const { d, deployer, startBefore } = await loadFixture(defaultDeployment);
      const a = d.addresses;
      expect(new Set(Object.values(a)).size).to.equal(8);
      expect(await d.registry.lifecycle()).to.equal(a.RegistrationLifecycle);
      expect(await d.lifecycle.registry()).to.equal(a.DataAssetRegistry);
      expect(await d.lifecycle.participants()).to.equal(a.ParticipantRegistry);
      expect(await d.registry.tradeRecorder()).to.equal(a.TradeRecorder);
      expect(await d.registry.pledgeRegistry()).to.equal(a.PledgeRegistry);
      expect(await d.registry.participants()).to.equal(a.ParticipantRegistry);
      expect(await d.tradeRecorder.registry()).to.equal(a.DataAssetRegistry);
      expect(await d.pledges.registry()).to.equal(a.DataAssetRegistry);
      expect(await d.evidence.registry()).to.equal(a.DataAssetRegistry);
      expect(await d.evidence.participants()).to.equal(a.ParticipantRegistry);
      expect(await d.receipts.participants()).to.equal(a.ParticipantRegistry);
      expect(await d.assessments.participants()).to.equal(a.ParticipantRegistry);
      expect(await d.assessments.registry()).to.equal(a.DataAssetRegistry);
      expect(d.startBlock).to.equal(startBefore + 1);
      expect(d.chainId).to.equal(31337n);
      expect(d.deployer).to.equal(deployer.address);
      for (const c of [d.participants, d.tradeRecorder, d.pledges, d.evidence, d.lifecycle, d.receipts, d.assessments]) {
        expect(await c.version()).to.equal("1.0.0");
      }
      expect(await d.registry.version()).to.equal("1.2.0");
    });

    it("should make the deployer the regulator by default, with the default admin delay", async function () {
      const { d, deployer } = await loadFixture(defaultDeployment);
      expect(d.regulator).to.equal(deployer.address);
      expect(await d.participants.isRegulator(deployer.address)).to.equal(true);
      expect(await d.participants.defaultAdminDelay()).to.equal(DEFAULT_ADMIN_DELAY);
    });

    it("should honour the regulator and adminDelay options", async function () {
      const [deployer, regulator] = await ethers.getSigners();
      const d = await deployShuquan(deployer, { regulator: regulator.address, adminDelay: 3600 });
      expect(await d.participants.isRegulator(regulator.address)).to.equal(true);
      expect(await d.participants.isRegulator(deployer.address)).to.equal(false);
      expect(await d.participants.defaultAdminDelay()).to.equal(3600n);
    });

    it("should leave the registry wired once and for all", async function () {
      const { d, deployer } = await loadFixture(defaultDeployment);
      await expect(
        d.registry.connect(deployer).wireModules(deployer.address, deployer.address),
      ).to.be.revertedWithCustomError(d.registry, "RegistryAlreadyWired");
      await expect(d.registry.connect(deployer).wireLifecycle(deployer.address)).to.be.revertedWithCustomError(
        d.registry,
        "RegistryAlreadyWired",
      );
    });
  });

  describe("writeDeploymentFile", function () {
    it("should write deployments/<chainId>.json with chainId, startBlock, contracts and deployedAt", async function () {
      const { d } = await loadFixture(defaultDeployment);
      const dir = mkdtempSync(path.join(tmpdir(), "shuquan-deploy-"));
      const file = writeDeploymentFile(deploymentDocument(d), dir);
      expect(path.basename(file)).to.equal("31337.json");
      const json = JSON.parse(readFileSync(file, "utf8"));
      expect(json).to.deep.equal(deploymentDocument(d));
      expect(Object.keys(json)).to.deep.equal(["chainId", "startBlock", "contracts", "deployedAt"]);
      expect(json.chainId).to.equal(31337);
      expect(json.startBlock).to.equal(d.startBlock);
      expect(Object.keys(json.contracts)).to.deep.equal([
        "ParticipantRegistry",
        "DataAssetRegistry",
        "TradeRecorder",
        "PledgeRegistry",
        "EvidenceAnchor",
        "RegistrationLifecycle",
        "ReceiptAnchor",
        "AssessmentRegistry",
      ]);
      expect(new Date(json.deployedAt).getTime() / 1000).to.equal(d.deployedAt);
    });
  });
});
