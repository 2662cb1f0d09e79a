/**
 * The EIP-712 types the contracts verify (TradeRecorder's TRADE_TYPEHASH, PledgeRegistry's PLEDGE_TERMS_TYPEHASH), in
 * one place for the CLI and the tests; the CLI checks every digest against the contract's own before signing.
 */
import type { TypedDataField } from "ethers";
import { parseTradeId } from "./ids";

/** EIP-712 types of Types.sol `LicenceTerms`. */
export const LICENCE_TERMS_TYPE: TypedDataField[] = [
  { name: "scopeDigest", type: "bytes32" },
  { name: "start", type: "uint40" },
  { name: "end", type: "uint40" },
  { name: "exclusive", type: "bool" },
  { name: "sublicensable", type: "bool" },
  { name: "revocable", type: "bool" },
];

/**
 * EIP-712 types the seller signs (TradeRecorder.TRADE_TYPEHASH): ITradeRecorder.Trade with the recording
 * `exchange` (the trade id's top 160 bits) inserted after the id; enums are uint8. Build the message with
 * `tradeMessage`.
 */
export const TRADE_TYPES: Record<string, TypedDataField[]> = {
  Trade: [
    { name: "tradeId", type: "uint256" },
    { name: "exchange", type: "address" },
    { name: "assetId", type: "uint256" },
    { name: "seller", type: "address" },
    { name: "buyer", type: "address" },
    { name: "right", type: "uint8" },
    { name: "licence", type: "LicenceTerms" },
    { name: "price", type: "uint128" },
    { name: "currency", type: "bytes3" },
    { name: "priceCommitment", type: "bytes32" },
    { name: "contractDigest", type: "bytes32" },
    { name: "venue", type: "uint8" },
    { name: "linkedTradeId", type: "uint256" },
    { name: "deadline", type: "uint64" },
    { name: "stateNonce", type: "uint64" },
  ],
  LicenceTerms: LICENCE_TERMS_TYPE,
};

/**
 * EIP-712 types the seller signs for a cross-border trade (TradeRecorder.CROSS_BORDER_TRADE_TYPEHASH): the trade (as
 * `tradeMessage` builds it) and its CrossBorderTerms; the mechanism is a uint8 (CROSS_BORDER_MECHANISM).
 */
export const CROSS_BORDER_TRADE_TYPES: Record<string, TypedDataField[]> = {
  CrossBorderTrade: [
    { name: "trade", type: "Trade" },
    { name: "mechanism", type: "uint8" },
    { name: "filingDigest", type: "bytes32" },
    { name: "destination", type: "bytes2" },
  ],
  ...TRADE_TYPES,
};

/** The cross-border terms as signed and submitted. */
export interface CrossBorderTermsValue {
  mechanism: number;
  filingDigest: string;
  destination: string;
}

/** The typed-data message of a cross-border trade. */
export function crossBorderTradeMessage<T extends { tradeId: bigint }>(trade: T, terms: CrossBorderTermsValue): { trade: T & { exchange: string } } & CrossBorderTermsValue {
  return { trade: tradeMessage(trade), ...terms };
}

/** A destination jurisdiction (ISO 3166-1 alpha-2, e.g. "HK") as bytes2 hex; throws otherwise. */
export function destinationBytes2(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) throw new Error(`invalid destination "${code}": expected an ISO 3166-1 alpha-2 code such as HK or SG`);
  return "0x" + Buffer.from(code, "ascii").toString("hex");
}

/** EIP-712 types of IPledgeRegistry.PledgeTerms. */
export const PLEDGE_TYPES: Record<string, TypedDataField[]> = {
  PledgeTerms: [
    { name: "assetId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "lender", type: "address" },
    { name: "amount", type: "uint128" },
    { name: "currency", type: "bytes3" },
    { name: "start", type: "uint40" },
    { name: "end", type: "uint40" },
    { name: "agreementDigest", type: "bytes32" },
    { name: "stateNonce", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
};

/** EIP-712 types a buyer signs to take a pledged asset in an enforcement (PledgeRegistry.ENFORCEMENT_ACCEPTANCE_TYPEHASH). */
export const ENFORCEMENT_ACCEPTANCE_TYPES: Record<string, TypedDataField[]> = {
  EnforcementAcceptance: [
    { name: "pledgeId", type: "uint256" },
    { name: "buyer", type: "address" },
    { name: "price", type: "uint128" },
    { name: "currency", type: "bytes3" },
    { name: "contractDigest", type: "bytes32" },
  ],
};

/** The typed-data message of a trade: the struct plus the recording exchange taken from its id. */
export function tradeMessage<T extends { tradeId: bigint }>(trade: T): T & { exchange: string } {
  return { ...trade, exchange: parseTradeId(trade.tradeId).exchange };
}

/**
 * EIP-712 types the holder signs to apply for a registration (DataAssetRegistry.APPLICATION_TYPEHASH): the
 * registration's terms with the registering `exchange`; enums are uint8. The metadata CID is not signed: its digest is.
 */
export const APPLICATION_TYPES: Record<string, TypedDataField[]> = {
  Application: [
    { name: "contentDigest", type: "bytes32" },
    { name: "holder", type: "address" },
    { name: "exchange", type: "address" },
    { name: "kind", type: "uint8" },
    { name: "source", type: "uint8" },
    { name: "level", type: "uint8" },
    { name: "metadataDigest", type: "bytes32" },
    { name: "consentDigest", type: "bytes32" },
    { name: "parents", type: "uint256[]" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
};

/** EIP-712 types the merchant signs to be onboarded by (or to move its home to) `exchange` (ONBOARDING_TYPEHASH). */
export const ONBOARDING_TYPES: Record<string, TypedDataField[]> = {
  Onboarding: [
    { name: "merchant", type: "address" },
    { name: "exchange", type: "address" },
    { name: "category", type: "uint8" },
    { name: "credentialDigest", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
};

/** The registration fields an application signs (IDataAssetRegistry.Registration without the metadata CID). */
export interface ApplicationFields {
  contentDigest: string;
  holder: string;
  kind: unknown;
  source: unknown;
  level: unknown;
  metadataDigest: string;
  consentDigest: string;
  parents: readonly unknown[];
  nonce: unknown;
  deadline: unknown;
}

/** The typed-data message of an application: the registration's signed fields plus the registering `exchange`. */
export function applicationMessage(r: ApplicationFields, exchange: string) {
  return {
    contentDigest: r.contentDigest,
    holder: r.holder,
    exchange,
    kind: r.kind,
    source: r.source,
    level: r.level,
    metadataDigest: r.metadataDigest,
    consentDigest: r.consentDigest,
    parents: r.parents,
    nonce: r.nonce,
    deadline: r.deadline,
  };
}
