/**
 * Deploys and wires the five Shuquan contracts.
 *
 *   import { deployShuquan } from "../scripts/deploy";
 *   const d = await deployShuquan(signer, { regulator, adminDelay });
 *
 * CLI (any configured network; the first configured account deploys):
 *   REGULATOR=0x… ADMIN_DELAY=86400 npx hardhat run scripts/deploy.ts --network localhost
 * writes deployments/<chainId>.json = { chainId, startBlock, contracts: { ParticipantRegistry, DataAssetRegistry,
 * TradeRecorder, PledgeRegistry, EvidenceAnchor }, deployedAt }.
 *
 * Order: ParticipantRegistry(adminDelay, regulator) → DataAssetRegistry(participants) →
 * TradeRecorder(participants, registry) → PledgeRegistry(participants, registry) →
 * EvidenceAnchor(participants, registry) → registry.wireModules(tradeRecorder, pledgeRegistry) (deployer only, once).
 * Uses the typechain factories, so it runs with any ethers v6 signer, inside Hardhat or not.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Signer } from "ethers";
import {
  DataAssetRegistry__factory,
  EvidenceAnchor__factory,
  ParticipantRegistry__factory,
  PledgeRegistry__factory,
  TradeRecorder__factory,
} from "../typechain-types";
import type {
  DataAssetRegistry,
  EvidenceAnchor,
  ParticipantRegistry,
  PledgeRegistry,
  TradeRecorder,
} from "../typechain-types";

/** Default delay (seconds) before a new default admin of ParticipantRegistry can accept the role: 1 day. */
export const DEFAULT_ADMIN_DELAY = 86_400n;

export interface DeployShuquanOptions {
  /** Receives DEFAULT_ADMIN_ROLE and GOVERNOR_ROLE. Default: the deploying signer. */
  regulator?: string;
  /** AccessControlDefaultAdminRules delay in seconds. Default: DEFAULT_ADMIN_DELAY. */
  adminDelay?: bigint | number;
}

export interface ShuquanAddresses {
  ParticipantRegistry: string;
  DataAssetRegistry: string;
  TradeRecorder: string;
  PledgeRegistry: string;
  EvidenceAnchor: string;
}

export interface ShuquanDeployment {
  participants: ParticipantRegistry;
  registry: DataAssetRegistry;
  tradeRecorder: TradeRecorder;
  pledges: PledgeRegistry;
  evidence: EvidenceAnchor;
  /** The addresses, keyed as in deployments/<chainId>.json. */
  addresses: ShuquanAddresses;
  chainId: bigint;
  /** The block of the first deployment transaction: where an indexer starts. */
  startBlock: number;
  /** Unix time (seconds) of the block that wired the modules: the deployment is complete from then on. */
  deployedAt: number;
  deployer: string;
  regulator: string;
}

/** What the CLI writes to deployments/<chainId>.json. */
export interface DeploymentFile {
  chainId: number;
  startBlock: number;
  contracts: ShuquanAddresses;
  /** ISO 8601 UTC time of the wiring block. */
  deployedAt: string;
}

/** Deploys and wires the five contracts; resolves once every transaction is mined. */
export async function deployShuquan(signer: Signer, options: DeployShuquanOptions = {}): Promise<ShuquanDeployment> {
  const provider = signer.provider;
  if (!provider) throw new Error("deployShuquan: the signer needs a provider");
  const deployer = await signer.getAddress();
  const regulator = options.regulator ?? deployer;
  const adminDelay = BigInt(options.adminDelay ?? DEFAULT_ADMIN_DELAY);

  const participants = await new ParticipantRegistry__factory(signer).deploy(adminDelay, regulator);
  const first = await participants.deploymentTransaction()!.wait();
  if (!first) throw new Error("deployShuquan: ParticipantRegistry deployment was not mined");
  const p = await participants.getAddress();

  const registry = await new DataAssetRegistry__factory(signer).deploy(p);
  await registry.waitForDeployment();
  const r = await registry.getAddress();

  const tradeRecorder = await new TradeRecorder__factory(signer).deploy(p, r);
  await tradeRecorder.waitForDeployment();
  const pledges = await new PledgeRegistry__factory(signer).deploy(p, r);
  await pledges.waitForDeployment();
  const evidence = await new EvidenceAnchor__factory(signer).deploy(p, r);
  await evidence.waitForDeployment();

  const addresses: ShuquanAddresses = {
    ParticipantRegistry: p,
    DataAssetRegistry: r,
    TradeRecorder: await tradeRecorder.getAddress(),
    PledgeRegistry: await pledges.getAddress(),
    EvidenceAnchor: await evidence.getAddress(),
  };

  const wired = await (await registry.wireModules(addresses.TradeRecorder, addresses.PledgeRegistry)).wait();
  if (!wired) throw new Error("deployShuquan: wireModules was not mined");
  const block = await provider.getBlock(wired.blockNumber);

  return {
    participants,
    registry,
    tradeRecorder,
    pledges,
    evidence,
    addresses,
    chainId: (await provider.getNetwork()).chainId,
    startBlock: first.blockNumber,
    deployedAt: block?.timestamp ?? Math.floor(Date.now() / 1000),
    deployer,
    regulator,
  };
}

/** The JSON document the CLI writes for a deployment. */
export function deploymentFile(d: ShuquanDeployment): DeploymentFile {
  return {
    chainId: Number(d.chainId),
    startBlock: d.startBlock,
    contracts: d.addresses,
    deployedAt: new Date(d.deployedAt * 1000).toISOString(),
  };
}

/** Writes deployments/<chainId>.json under `dir` (default: ./deployments); returns the path. */
export function writeDeploymentFile(d: ShuquanDeployment, dir = path.join(process.cwd(), "deployments")): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${d.chainId}.json`);
  writeFileSync(file, JSON.stringify(deploymentFile(d), null, 2) + "\n");
  return file;
}

async function main(): Promise<void> {
  // Loaded here so that importing this module does not require a Hardhat runtime.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as typeof import("hardhat");
  const [signer] = await hre.ethers.getSigners();
  if (!signer) throw new Error("no account configured for this network");
  const d = await deployShuquan(signer, {
    regulator: process.env.REGULATOR || undefined,
    adminDelay: process.env.ADMIN_DELAY ? BigInt(process.env.ADMIN_DELAY) : undefined,
  });
  const file = writeDeploymentFile(d);
  console.log(`Shuquan deployed on chain ${d.chainId} from block ${d.startBlock} (regulator ${d.regulator})`);
  for (const [name, address] of Object.entries(d.addresses)) console.log(`  ${name.padEnd(20)} ${address}`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
