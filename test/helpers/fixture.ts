/**
 * Shared fixtures for the contract tests (and anything else that needs a wired deployment on the Hardhat network).
 *
 * Named roles, from `ethers.getSigners()`:
 *   0 deployer   deploys the contracts (and wires the registry)
 *   1 regulator  DEFAULT_ADMIN_ROLE + GOVERNOR_ROLE in ParticipantRegistry
 *   2 shde       exchange "SHDE"  — recognises GZDE as a whole
 *   3 gzde       exchange "GZDE"  — recognises SHDE's `alice` singly (not SHDE as a whole)
 *   4 alice      merchant of SHDE (data resource)      — recognised at SHDE (home) and GZDE (single merchant)
 *   5 bob        merchant of SHDE (technology)         — recognised at SHDE only
 *   6 carol      merchant of GZDE (data resource)      — recognised at GZDE (home) and SHDE (whole exchange)
 *   7 dave       merchant of GZDE (third-party service) — recognised at GZDE (home) and SHDE (whole exchange)
 *   8 lender     merchant of GZDE (third-party service, a bank) — recognised at GZDE and SHDE
 *   9 outsider   no role anywhere
 *  10 bjde       an account that is NOT accredited (an exchange-to-be)
 *
 * Use with `loadFixture(participantsFixture)` (ParticipantRegistry alone) or `loadFixture(shuquanFixture)` (all five
 * contracts deployed and wired by `deployShuquan` (service/src/contracts/deploy.ts), participants seeded as above).
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ParticipantRegistry } from "../../typechain-types";
import { deployShuquan } from "../../service/src/contracts/deploy";
import { signedOnboard } from "./consent";

/** Merchant categories, as in contracts/common/Types.sol. */
export const MerchantCategory = { DataResource: 0, Technology: 1, ThirdPartyService: 2 } as const;
/** Participant status, as in contracts/common/Types.sol. */
export const ParticipantStatus = { None: 0, Active: 1, Suspended: 2 } as const;
/** Recognition path, as in contracts/common/Types.sol. */
export const RecognitionPath = { None: 0, Home: 1, WholeExchange: 2, SingleMerchant: 3 } as const;
/** Asset kind / source / level / right / venue / pledge status, as in contracts/common/Types.sol. */
export const AssetKind = { Resource: 0, Product: 1, Compute: 2, Model: 3 } as const;
export const AssetSource = { Public: 0, Enterprise: 1, Personal: 2 } as const;
export const DataLevel = { General: 0, Important: 1, Core: 2 } as const;
export const Right = { Holding: 0, Processing: 1, Operating: 2, ProductUse: 3 } as const;
export const Venue = { OnExchange: 0, OffExchange: 1 } as const;
export const PledgeStatus = { None: 0, Active: 1, Released: 2, Lifted: 3, Defaulted: 4, Enforced: 5 } as const;

/** Default admin-transfer delay used by the fixtures (1 day). */
export const ADMIN_DELAY = 24n * 60n * 60n;

/** A bytes4 exchange code from 2-4 ASCII characters: left-aligned, zero-padded ("SH" -> 0x53480000). */
export function exchangeCode(code: string): string {
  const bytes = ethers.toUtf8Bytes(code);
  if (bytes.length > 4) throw new Error(`exchange code too long: ${code}`);
  return ethers.zeroPadBytes(bytes, 4);
}

/** A deterministic 32-byte digest for test data ("credential:alice" -> keccak256 of the label). */
export function digest(label: string): string {
  return ethers.keccak256(ethers.toUtf8Bytes(label));
}

export const SHDE = exchangeCode("SHDE");
export const GZDE = exchangeCode("GZDE");

export interface Actors {
  deployer: HardhatEthersSigner;
  regulator: HardhatEthersSigner;
  shde: HardhatEthersSigner;
  gzde: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  dave: HardhatEthersSigner;
  lender: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  bjde: HardhatEthersSigner;
  /** Every signer, for tests that need more accounts (index 11 and up are unused by the fixtures). */
  signers: HardhatEthersSigner[];
}

/** The named roles, without deploying anything. */
export async function getActors(): Promise<Actors> {
  const signers = await ethers.getSigners();
  const [deployer, regulator, shde, gzde, alice, bob, carol, dave, lender, outsider, bjde] = signers;
  return { deployer, regulator, shde, gzde, alice, bob, carol, dave, lender, outsider, bjde, signers };
}

/**
 * Accredits SHDE and GZDE, onboards the merchants and sets up the recognitions described at the top of this file,
 * on an already-deployed ParticipantRegistry. Shared by both fixtures.
 */
export async function seedParticipants(participants: ParticipantRegistry, a: Actors): Promise<void> {
  const p = participants.connect(a.regulator);
  await p.accreditExchange(a.shde.address, SHDE, "Shanghai Data Exchange");
  await p.accreditExchange(a.gzde.address, GZDE, "Guangzhou Data Exchange");

  const sh = participants.connect(a.shde);
  const gz = participants.connect(a.gzde);
  await signedOnboard(participants, a.shde, a.alice.address, MerchantCategory.DataResource, digest("credential:alice"));
  await signedOnboard(participants, a.shde, a.bob.address, MerchantCategory.Technology, digest("credential:bob"));
  await signedOnboard(participants, a.gzde, a.carol.address, MerchantCategory.DataResource, digest("credential:carol"));
  await signedOnboard(participants, a.gzde, a.dave.address, MerchantCategory.ThirdPartyService, digest("credential:dave"));
  await signedOnboard(participants, a.gzde, a.lender.address, MerchantCategory.ThirdPartyService, digest("credential:lender"));

  await sh.recogniseExchange(a.gzde.address); // SHDE accepts every GZDE merchant
  await gz.recogniseMerchant(a.alice.address); // GZDE accepts SHDE's alice only
}

/** Deploys ParticipantRegistry alone (regulator = signer 1) and seeds it. For `loadFixture`. */
export async function participantsFixture() {
  const actors = await getActors();
  const factory = await ethers.getContractFactory("ParticipantRegistry", actors.deployer);
  const participants = (await factory.deploy(ADMIN_DELAY, actors.regulator.address)) as unknown as ParticipantRegistry;
  await participants.waitForDeployment();
  await seedParticipants(participants, actors);
  return { ...actors, participants };
}

/**
 * Deploys all seven contracts with `deployShuquan` (deployer = signer 0, regulator = signer 1), wires them, and seeds
 * the participants as described at the top of this file. For `loadFixture`.
 * Returns the actors, the typed contracts (participants, registry, tradeRecorder, pledges, evidence), the
 * addresses and the start block.
 */
export async function shuquanFixture() {
  const actors = await getActors();
  const d = await deployShuquan(actors.deployer, { regulator: actors.regulator.address, adminDelay: ADMIN_DELAY });
  await seedParticipants(d.participants, actors);
  return { ...d, ...actors }; // actors last: their signers win over the deployment's address fields
}
