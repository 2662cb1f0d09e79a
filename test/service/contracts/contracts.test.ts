import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Interface } from "ethers";
import {
  allErrorsAbi,
  callableAbi,
  CONTRACT_ABIS,
  CONTRACT_KEYS,
  CONTRACT_NAMES,
  contractNameOf,
  currentAddresses,
  loadDeployment,
  parseDeployment,
  writeDeploymentFile,
} from "../../../service/src/contracts";
import { CONTRACT_INTERFACES } from "../../../service/src/contracts/names";
import { ConfigError } from "../../../service/src/errors";

const A = "0x" + "12".repeat(20);
const B = "0x" + "34".repeat(20);

describe("contracts (which contracts, where)", () => {
  describe("names", () => {
    it("should resolve every alias and CLI key, case-insensitively, and nothing else", () => {
      for (const [key, name] of Object.entries(CONTRACT_KEYS)) expect(contractNameOf(key)).to.equal(name);
      for (const name of CONTRACT_NAMES) expect(contractNameOf(name.toUpperCase())).to.equal(name);
      expect(contractNameOf("assets")).to.equal("DataAssetRegistry");
      expect(contractNameOf("Token")).to.equal(undefined);
    });
  });

  describe("bundled ABIs", () => {
    it("should equal the compiled interfaces (the bundle is rewritten by every compile)", async () => {
      for (const name of CONTRACT_NAMES) {
        const [own] = CONTRACT_INTERFACES[name];
        const compiled = (await hre.artifacts.readArtifact(own!)).abi as { type: string; name?: string }[];
        const bundled = CONTRACT_ABIS[name] as { type: string; name?: string }[];
        for (const f of compiled) expect(bundled, `${name} ${f.type} ${f.name}`).to.deep.include(f);
      }
    });

    it("should give the registry its ERC-721 views and every contract the common errors and EIP-5267 view", () => {
      const registry = new Interface(callableAbi("DataAssetRegistry"));
      expect(registry.getFunction("ownerOf")).to.not.equal(null);
      expect(registry.getEvent("Transfer")).to.not.equal(null);
      for (const name of CONTRACT_NAMES) {
        const i = new Interface(callableAbi(name));
        expect(i.getFunction("eip712Domain"), name).to.not.equal(null);
        expect(i.getError("ECDSAInvalidSignature"), name).to.not.equal(null);
      }
    });

    it("should decode every contract's errors through one interface", () => {
      const all = new Interface(allErrorsAbi());
      expect(all.getError("RegistryAlreadyWired")).to.not.equal(null);
      expect(all.getError("AccessControlUnauthorizedAccount")).to.not.equal(null);
      expect(all.getError("ERC721NonexistentToken")).to.not.equal(null);
    });

    it("should not load anything from artifacts/ at run time", () => {
      const dir = path.join(__dirname, "..", "..", "..", "service", "src");
      const offenders: string[] = [];
      const walk = (d: string): void => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (p.endsWith(".ts") && /artifacts\//.test(readFileSync(p, "utf8").replace(/^\s*(\*|\/\/).*$/gm, ""))) offenders.push(p);
        }
      };
      walk(dir);
      expect(offenders).to.deep.equal([]);
    });
  });

  describe("deployments files", () => {
    it("should read the deploy script's format", () => {
      const d = parseDeployment({ chainId: 31337, startBlock: 5, contracts: { ParticipantRegistry: A, DataAssetRegistry: A, EvidenceAnchor: A }, deployedAt: "x" });
      expect(d.chainId).to.equal(31337);
      expect(d.contracts.map((c) => c.name)).to.deep.equal(["ParticipantRegistry", "DataAssetRegistry", "EvidenceAnchor"]);
      expect(d.contracts[0]).to.deep.equal({ name: "ParticipantRegistry", address: A, startBlock: 5 });
    });

    it("should read several deployments of one chain, each with its own start block, the newest winning for callers", () => {
      const d = parseDeployment({ chainId: 1, deployments: [{ startBlock: 10, contracts: { registry: A } }, { contracts: { registry: { address: B, blockNumber: 99 } } }] });
      expect(d.contracts.map((c) => c.startBlock)).to.deep.equal([10, 99]);
      expect(currentAddresses(d).registry).to.equal(B);
      expect(currentAddresses(d).trades).to.equal(undefined);
    });

    it("should refuse a file without addresses or with a bad one, naming what is wrong", () => {
      expect(() => parseDeployment({ chainId: 1, contracts: {} })).to.throw(ConfigError, "no contract addresses");
      expect(() => parseDeployment({ chainId: 1, contracts: { registry: "0x12" } })).to.throw(ConfigError, "registry");
      expect(() => parseDeployment({ contracts: { registry: A } })).to.throw(ConfigError, "chainId");
    });

    it("should write <chainId>.json that reads back the same, and name an unreadable or broken file", () => {
      const dir = mkdtempSync(path.join(tmpdir(), "sq-dep-"));
      try {
        const contracts = Object.fromEntries(CONTRACT_NAMES.map((n) => [n, A])) as Record<(typeof CONTRACT_NAMES)[number], string>;
        const file = writeDeploymentFile({ chainId: 7, startBlock: 3, contracts, deployedAt: "2026-01-01T00:00:00.000Z" }, dir);
        expect(path.basename(file)).to.equal("7.json");
        expect(readdirSync(dir)).to.deep.equal(["7.json"]); // no temporary file left behind
        const d = loadDeployment(file);
        expect(d.contracts).to.have.length(CONTRACT_NAMES.length);
        expect(d.contracts.every((c) => c.startBlock === 3)).to.equal(true);
        expect(() => loadDeployment(path.join(dir, "none.json"))).to.throw(ConfigError, "cannot read");
        writeDeploymentFile({ chainId: 8, startBlock: 0, contracts, deployedAt: "" }, dir);
        writeFileSync(path.join(dir, "8.json"), "{ not json");
        expect(() => loadDeployment(path.join(dir, "8.json"))).to.throw(ConfigError, "not valid JSON");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
