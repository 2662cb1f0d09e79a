/**
 * Builders for registrations and trades, shared by contract tests and the gas bench.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import type { DataAssetRegistry, TradeRecorder } from "../../typechain-types";
import type { IDataAssetRegistry } from "../../typechain-types/contracts/DataAssetRegistry";
import { AssetKind, AssetSource, DataLevel, Right, Venue, digest } from "./fixture";
import { sha256Of } from "./evidence";
import { FAR_DEADLINE, signedRegister } from "./consent";
import { EMPTY_LICENCE_TERMS, type LicenceTermsValue, type TradeValue, currency, signTrade, tradeIdOf } from "./signing";

export type RegistrationValue = IDataAssetRegistry.RegistrationStruct;

/** A registration of an enterprise data resource at general level, with content digest SHA-256(label). */
export function registrationOf(holder: string, label: string, overrides: Partial<RegistrationValue> = {}): RegistrationValue {
  return {
    contentDigest: sha256Of(`content:${label}`),
    holder,
    kind: AssetKind.Resource,
    source: AssetSource.Enterprise,
    level: DataLevel.General,
    metadataDigest: sha256Of(`metadata:${label}`),
    metadataCid: "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua",
    consentDigest: ethers.ZeroHash,
    parents: [],
    nonce: 0n,
    deadline: FAR_DEADLINE,
    ...overrides,
  };
}

/** Registers `label` for `holder` through `exchange`; returns the asset id. */
export async function registerAsset(
  registry: DataAssetRegistry,
  exchange: Signer,
  holder: string | { address: string },
  label: string,
  overrides: Partial<RegistrationValue> = {},
): Promise<bigint> {
  const address = typeof holder === "string" ? holder : holder.address;
  // the holder's current application nonce, unless the test names one
  const r = registrationOf(address, label, { nonce: await registry.applicationNonce(address), ...overrides });
  await (await signedRegister(registry, exchange, r)).wait();
  return BigInt(r.contentDigest as string);
}

/** Licence terms in force from now for `days` days. */
export async function licenceTerms(days = 30, overrides: Partial<LicenceTermsValue> = {}): Promise<LicenceTermsValue> {
  const now = BigInt(await time.latest());
  return {
    scopeDigest: digest("scenario: traffic-flow model training"),
    start: now,
    end: now + BigInt(days) * 86_400n,
    exclusive: false,
    sublicensable: false,
    revocable: true,
    ...overrides,
  };
}

let serialCounter = 1n;

/** A trade recorded at `exchange` (fresh serial), disclosed price in CNY, one-hour deadline. */
export async function tradeOf(
  exchange: string,
  assetId: bigint,
  seller: string,
  buyer: string,
  right: number = Right.Holding,
  overrides: Partial<TradeValue> = {},
): Promise<TradeValue> {
  const now = BigInt(await time.latest());
  return {
    tradeId: tradeIdOf(exchange, serialCounter++),
    assetId,
    seller,
    buyer,
    right,
    licence: right === Right.Holding ? EMPTY_LICENCE_TERMS : await licenceTerms(),
    price: 1_280_000n,
    currency: currency("CNY"),
    priceCommitment: ethers.ZeroHash,
    contractDigest: digest(`contract:${seller}:${buyer}:${assetId}`),
    venue: Venue.OnExchange,
    linkedTradeId: 0n,
    deadline: now + 3_600n,
    stateNonce: 0n,
    ...overrides,
  };
}

/**
 * Signs `trade` as `seller` and as the buyer (`buyer`, or the well-known account of `trade.buyer`) and records it
 * through `exchange`; returns the receipt.
 */
export async function recordTrade(recorder: TradeRecorder, exchange: Signer, seller: Signer, trade: TradeValue, buyer?: Signer) {
  const sig = await signTrade(seller, recorder, trade);
  const buyerSig = await signTrade(buyer ?? (await ethers.getSigner(trade.buyer)), recorder, trade);
  return (await recorder.connect(exchange).recordTrade(trade, sig, buyerSig)).wait();
}

/** The asset's current state nonce (what a holding trade's parties sign). */
export async function stateNonceOf(registry: DataAssetRegistry, assetId: bigint): Promise<bigint> {
  return (await registry.getAsset(assetId)).stateNonce;
}
